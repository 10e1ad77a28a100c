package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"zhengzhi/domain"
)

// statusOf maps a domain error code to its HTTP status: the one place that does.
func statusOf(code string) int {
	switch code {
	case domain.EINVALID:
		return http.StatusBadRequest
	case domain.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.ECONFLICT:
		return http.StatusConflict
	case domain.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// writeError renders err as {"error","field"}; internal errors are logged
// with detail and shown only as 内部错误.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, statusOf(code), apiError{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)})
}

// notFound answers every path no route serves: the API (/api/, /open311/)
// with its JSON error, every other path with the error page in the layout,
// in the user's language and whether or not anyone is logged in. A path that
// a route serves under another method still gets 405 with Allow, as the mux
// alone would give it.
func (s *Server) notFound(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/open311/") {
			s.writeError(w, r, domain.Errorf(domain.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path))
			return
		}
		s.render(w, r, http.StatusNotFound, "error.html", "err.nopage", translate(langOf(r), "err.nopage.text"), "")
	}
}

// allowedMethods lists the methods under which some route other than the
// catch-all serves r's path.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != catchAll {
			allow = append(allow, m)
		}
	}
	return allow
}

// writeJSON writes v as the API's JSON, every instant in it at +08:00
// (inShanghai).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(inShanghai(v)); err != nil {
		slog.Debug("write json", "err", err)
	}
}

// maxJSONBody bounds request bodies of JSON calls.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON body into v; unknown fields and malformed input are
// a 400 that names the field where it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var de *domain.Error
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &te) && te.Type == reflect.TypeOf(domain.Date("")):
			return domain.Invalid(te.Field, "日期格式应为 YYYY-MM-DD")
		case errors.As(err, &te):
			return domain.Invalid(te.Field, "字段类型错误：应为 %s", jsonTypeName(te.Type))
		case errors.As(err, &de):
			return de
		case errors.As(err, &mbe):
			return &domain.Error{Code: domain.ETOOLARGE, Message: "请求体过大"}
		case errors.Is(err, io.EOF):
			return domain.Invalid("", "请求体为空")
		}
		return domain.Invalid("", "JSON 格式错误：%v", err)
	}
	return nil
}

// jsonTypeName says in Chinese what a field expected.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "数字"
	case reflect.String:
		return "字符串"
	case reflect.Map, reflect.Struct:
		return "对象"
	case reflect.Slice:
		return "数组"
	}
	return t.String()
}
