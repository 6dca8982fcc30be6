package fit

import (
	"encoding/json"
	"math"
	"reflect"
)

// MarshalJSON writes the summary with null for the numbers that are not
// finite (JSON has no NaN).
func (e EdgeSummary) MarshalJSON() ([]byte, error) {
	type plain EdgeSummary
	return marshalNullNaN(plain(e))
}

// marshalNullNaN marshals a flat struct, replacing non-finite float64
// fields by null.
func marshalNullNaN(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	m := make(map[string]any, rt.NumField())
	order := make([]string, 0, rt.NumField())
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		name := f.Tag.Get("json")
		omitEmpty := false
		for k := 0; k < len(name); k++ {
			if name[k] == ',' {
				omitEmpty = name[k+1:] == "omitempty"
				name = name[:k]
				break
			}
		}
		if name == "" {
			name = f.Name
		}
		val := rv.Field(i).Interface()
		if x, ok := val.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			val = nil
		}
		if omitEmpty && rv.Field(i).IsZero() {
			continue
		}
		m[name] = val
		order = append(order, name)
	}
	// Keep the struct's field order.
	buf := []byte{'{'}
	for i, k := range order {
		if i > 0 {
			buf = append(buf, ',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m[k])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	return append(buf, '}'), nil
}
