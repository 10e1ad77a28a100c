package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), as its
// specification says: XML (the required format, UTF-8 with the XML
// declaration) and JSON beside it, chosen by the resource's extension;
// errors as a list of code/description with 404 for what does not exist,
// 403 for a missing or wrong api_key and 400 for anything else; datetimes
// in W3C format with the +08:00 offset. Services are the active campaign's
// categories; every request is a tip (channel open311) and goes through
// the same handling. Public answers never carry the reporter, internal
// notes, inspectors or enforcement details.
//
// Supported: service discovery, GET services, GET service definition, POST
// request (realtime: the id is returned at once, so there are no tokens),
// GET requests with service_request_id, service_code, start_date, end_date
// and status, GET request. jurisdiction_id is accepted and ignored (one
// jurisdiction per endpoint, as the specification allows).

const (
	open311Spec = "http://wiki.open311.org/GeoReport_v2"
	// open311MaxSpan is the widest start_date–end_date range; also the
	// default window, and open311MaxRequests the most requests returned.
	open311MaxSpan     = 90 * 24 * time.Hour
	open311MaxRequests = 1000
)

func (s *Server) open311(mux *http.ServeMux, lim *rateLimiter) {
	for _, f := range []string{"xml", "json"} {
		mux.HandleFunc("GET /open311/discovery."+f, s.o311(f, s.o311Discovery))
		mux.HandleFunc("GET /open311/v2/services."+f, s.o311(f, s.o311Services))
		mux.HandleFunc("GET /open311/v2/requests."+f, s.o311(f, s.o311Requests))
		refuse := func(w http.ResponseWriter, r *http.Request) {
			o311Write(w, f, http.StatusTooManyRequests, o311Errors{Errors: []o311Error{{429, "请求过于频繁，请稍后再试"}}})
		}
		mux.HandleFunc("POST /open311/v2/requests."+f, s.limited(lim, refuse, s.o311(f, s.o311Post)))
	}
	mux.HandleFunc("GET /open311/v2/services/{file}", s.o311Path(s.o311Definition))
	mux.HandleFunc("GET /open311/v2/requests/{file}", s.o311Path(s.o311Request))
}

// o311Handler answers one Open311 call in format f ("xml" or "json").
type o311Handler func(w http.ResponseWriter, r *http.Request, f string) error

func (s *Server) o311(f string, h o311Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, f); err != nil {
			s.o311Error(w, r, f, err)
		}
	}
}

// o311Path serves resources named in the path ("smelting.xml"): the part
// before the extension is the resource's id, the extension its format.
func (s *Server) o311Path(h o311Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, f, ok := strings.Cut(r.PathValue("file"), ".")
		if !ok || (f != "xml" && f != "json") {
			s.o311Error(w, r, "xml", domain.Errorf(domain.ENOTFOUND, "格式应为 .xml 或 .json"))
			return
		}
		r.SetPathValue("file", name)
		if err := h(w, r, f); err != nil {
			s.o311Error(w, r, f, err)
		}
	}
}

type o311Error struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type o311Errors struct {
	XMLName xml.Name    `xml:"errors" json:"-"`
	Errors  []o311Error `xml:"error"`
}

func (e o311Errors) MarshalJSON() ([]byte, error) { return json.Marshal(e.Errors) }

// o311Status maps a domain error to Open311's statuses: 404 for what does
// not exist, 403 for the api_key, 400 for the rest of the caller's errors.
func o311Status(code string) int {
	switch code {
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.EUNAUTHORIZED, domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case domain.EINTERNAL:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func (s *Server) o311Error(w http.ResponseWriter, r *http.Request, f string, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := o311Status(code)
	desc := domain.ErrorMessage(err)
	if field := domain.ErrorField(err); field != "" && code != domain.EINTERNAL {
		desc = field + ": " + desc
	}
	o311Write(w, f, status, o311Errors{Errors: []o311Error{{status, desc}}})
}

// o311Write encodes v in format f: XML with its declaration, or JSON.
func o311Write(w http.ResponseWriter, f string, status int, v any) {
	if f == "json" {
		writeJSON(w, status, v)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	enc.Encode(v)
	w.Write([]byte("\n"))
}

// w3c writes an instant as the W3C datetime in Asia/Shanghai (+08:00).
func w3c(t time.Time) string { return t.In(shanghai).Format("2006-01-02T15:04:05-07:00") }

// baseURL is the scheme and host the client used.
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

type o311Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type o311Discovery struct {
	XMLName    xml.Name       `xml:"discovery" json:"-"`
	Changeset  string         `xml:"changeset" json:"changeset"`
	Contact    string         `xml:"contact" json:"contact"`
	KeyService string         `xml:"key_service" json:"key_service"`
	Endpoints  []o311Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

// o311Campaign is the campaign whose categories are the services; its
// start and version make the changeset.
func (s *Server) o311Campaign(r *http.Request) (*domain.Campaign, string, error) {
	c, err := s.app.ResolveCampaign(r.Context(), 0)
	if err != nil {
		return nil, "", err
	}
	return c, string(c.StartDate) + "T00:00:00+08:00", nil
}

func (s *Server) o311Discovery(w http.ResponseWriter, r *http.Request, f string) error {
	_, changeset, err := s.o311Campaign(r)
	if err != nil {
		return err
	}
	root, err := s.app.Root(r.Context())
	if err != nil {
		return err
	}
	o311Write(w, f, http.StatusOK, o311Discovery{Changeset: changeset,
		Contact:    root.Name + "联席会议办公室（专项整治 12350 有奖举报）",
		KeyService: "API 密钥由系统管理员发放：zhengzhi open311 key add 应用名称",
		Endpoints: []o311Endpoint{{Specification: open311Spec, URL: s.baseURL(r) + "/open311/v2", Changeset: changeset,
			Type: "production", Formats: []string{"text/xml", "application/json"}}}})
	return nil
}

type o311Service struct {
	ServiceCode string `xml:"service_code" json:"service_code"`
	ServiceName string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type o311ServiceList struct {
	XMLName  xml.Name      `xml:"services" json:"-"`
	Services []o311Service `xml:"service"`
}

func (l o311ServiceList) MarshalJSON() ([]byte, error) { return json.Marshal(l.Services) }

// o311Descriptions say what each service (category) is for a reporter.
var o311Descriptions = map[domain.Category]string{
	domain.CatStopped:        "已列入取缔、关闭、退出名单的化工、危险化学品企业仍在生产或存放原料设备",
	domain.CatSmelting:       "无证无照熔炼废旧金属等小冶炼",
	domain.CatElectroplating: "无环评手续、废水直排的小电镀",
	domain.CatSpraying:       "无废气处理设施的小喷涂、喷漆",
	domain.CatDyeing:         "私设生产线、废水未经处理排放的小印染",
	domain.CatDust:           "铝镁打磨等未配备除尘防爆设施的涉爆粉尘作业",
	domain.CatOther:          "其它“散乱污”小作坊",
}

func (s *Server) o311Services(w http.ResponseWriter, r *http.Request, f string) error {
	c, _, err := s.o311Campaign(r)
	if err != nil {
		return err
	}
	out := o311ServiceList{Services: []o311Service{}}
	for _, cat := range c.Categories {
		out.Services = append(out.Services, o311Service{ServiceCode: string(cat), ServiceName: domain.CategoryNames[cat],
			Description: o311Descriptions[cat], Metadata: true, Type: "realtime",
			Keywords: domain.CategoryNames[cat] + ", 举报, 12350", Group: o311Group(cat)})
	}
	o311Write(w, f, http.StatusOK, out)
	return nil
}

func o311Group(cat domain.Category) string {
	if cat == domain.CatStopped {
		return "停产停业"
	}
	return "小字头"
}

type o311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

type o311Attribute struct {
	Variable            bool        `xml:"variable" json:"variable"`
	Code                string      `xml:"code" json:"code"`
	Datatype            string      `xml:"datatype" json:"datatype"`
	Required            bool        `xml:"required" json:"required"`
	DatatypeDescription string      `xml:"datatype_description" json:"-"`
	DatatypeDescJSON    *string     `xml:"-" json:"datatype_description"`
	Order               int         `xml:"order" json:"order"`
	Description         string      `xml:"description" json:"description"`
	Values              []o311Value `xml:"values>value,omitempty" json:"values,omitempty"`
}

type o311Definition struct {
	XMLName     xml.Name        `xml:"service_definition" json:"-"`
	ServiceCode string          `xml:"service_code" json:"service_code"`
	Attributes  []o311Attribute `xml:"attributes>attribute" json:"attributes"`
}

// o311Attributes are what every service asks beyond the standard fields:
// the reported unit, the reporter's ID number (for a reward; sealed like
// the rest of the identity), and how the reporter is protected.
func o311Attributes() []o311Attribute {
	id := "18 位居民身份证号码"
	return []o311Attribute{
		{Variable: true, Code: "unit_name", Datatype: "string", Order: 1, Description: "被举报单位（作坊、企业）名称"},
		{Variable: true, Code: "id_number", Datatype: "string", Order: 2, DatatypeDescription: id, DatatypeDescJSON: &id,
			Description: "举报人身份证号（领取奖励时需要，可不填）"},
		{Variable: false, Code: "protection", Datatype: "text", Order: 3,
			Description: "举报人信息加密保存，仅区联席会议办公室可依规查看，绝不向被举报人或镇、村透露。匿名举报未留联系方式的无法兑现奖励。"},
	}
}

func (s *Server) o311Definition(w http.ResponseWriter, r *http.Request, f string) error {
	c, _, err := s.o311Campaign(r)
	if err != nil {
		return err
	}
	code := domain.Category(r.PathValue("file"))
	if !c.HasCategory(code) {
		return domain.Errorf(domain.ENOTFOUND, "service_code %q 不存在", string(code))
	}
	o311Write(w, f, http.StatusOK, o311Definition{ServiceCode: string(code), Attributes: o311Attributes()})
	return nil
}

// o311Created is POST requests' answer: realtime, so the id, no token.
type o311Created struct {
	ServiceRequestID int64   `xml:"service_request_id" json:"service_request_id"`
	ServiceNotice    string  `xml:"service_notice" json:"service_notice"`
	AccountIDXML     string  `xml:"account_id" json:"-"` // <account_id/>: none
	AccountID        *string `xml:"-" json:"account_id"` // null
}

type o311CreatedList struct {
	XMLName  xml.Name      `xml:"service_requests" json:"-"`
	Requests []o311Created `xml:"request"`
}

func (l o311CreatedList) MarshalJSON() ([]byte, error) { return json.Marshal(l.Requests) }

func (s *Server) o311Post(w http.ResponseWriter, r *http.Request, f string) error {
	r.Body = http.MaxBytesReader(w, r.Body, open311MaxBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &domain.Error{Code: domain.ETOOLARGE, Message: "请求体过大"}
		}
		return domain.Invalid("", "表单格式错误")
	}
	key, err := s.app.Open311KeyFor(r.Context(), r.PostForm.Get("api_key"))
	if err != nil {
		return err
	}
	c, _, err := s.o311Campaign(r)
	if err != nil {
		return err
	}
	code := strings.TrimSpace(r.PostForm.Get("service_code"))
	if code == "" {
		return domain.Invalid("service_code", "缺少 service_code")
	}
	if !c.HasCategory(domain.Category(code)) {
		return domain.Errorf(domain.ENOTFOUND, "service_code %q 不存在", code)
	}
	in := app.TipInput{Channel: domain.ChannelOpen311, Category: domain.Category(code), Partner: key.Name,
		Address:     strings.TrimSpace(r.PostForm.Get("address_string")),
		Description: r.PostForm.Get("description"), MediaURL: r.PostForm.Get("media_url"),
		UnitName: r.PostForm.Get("attribute[unit_name]"),
		Reporter: domain.Reporter{
			Name:     domain.Sensitive(strings.TrimSpace(r.PostForm.Get("last_name") + r.PostForm.Get("first_name"))),
			Phone:    domain.Sensitive(r.PostForm.Get("phone")),
			IDNumber: domain.Sensitive(r.PostForm.Get("attribute[id_number]")),
			Contact:  domain.Sensitive(r.PostForm.Get("email"))}}
	if k := strings.TrimSpace(r.Header.Get("Idempotency-Key")); k != "" {
		in.IdempotencyKey = "open311:" + key.Name + ":" + k
	}
	lat, long := strings.TrimSpace(r.PostForm.Get("lat")), strings.TrimSpace(r.PostForm.Get("long"))
	if (lat == "") != (long == "") {
		return domain.Invalid("lat", "lat 与 long 须同时提供")
	}
	if lat != "" {
		if in.Lat, err = optFloat(lat, "lat"); err != nil {
			return err
		}
		if in.Lng, err = optFloat(long, "long"); err != nil {
			return err
		}
	}
	if id := strings.TrimSpace(r.PostForm.Get("address_id")); id != "" && in.Address == "" {
		in.Address = "地址编码 " + id
	}
	if in.Lat == nil && in.Address == "" {
		return domain.Invalid("lat", "须提供 lat 和 long、address_string 或 address_id 之一")
	}
	rc, err := s.app.SubmitTip(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if rc.Replayed {
		status = http.StatusOK
	}
	notice := "已受理，将交属地镇（街道）核查。举报人可凭查询码 " + rc.FollowCode + " 在 " + s.baseURL(r) + "/tip/" + rc.FollowCode + " 查询办理进度。"
	o311Write(w, f, status, o311CreatedList{Requests: []o311Created{{ServiceRequestID: rc.Tip.ID, ServiceNotice: notice}}})
	return nil
}

// o311RequestXML and o311RequestJSON are one request as GET shows it; JSON
// writes empty optional fields as null (the Spark convention's mapping).
type o311RequestXML struct {
	ServiceRequestID  int64    `xml:"service_request_id"`
	Status            string   `xml:"status"`
	StatusNotes       string   `xml:"status_notes"`
	ServiceName       string   `xml:"service_name"`
	ServiceCode       string   `xml:"service_code"`
	Description       string   `xml:"description"`
	AgencyResponsible string   `xml:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime"`
	Address           string   `xml:"address"`
	Lat               *float64 `xml:"lat,omitempty"`
	Long              *float64 `xml:"long,omitempty"`
	MediaURL          string   `xml:"media_url"`
}

type o311RequestJSON struct {
	ServiceRequestID  int64    `json:"service_request_id"`
	Status            string   `json:"status"`
	StatusNotes       *string  `json:"status_notes"`
	ServiceName       string   `json:"service_name"`
	ServiceCode       string   `json:"service_code"`
	Description       *string  `json:"description"`
	AgencyResponsible *string  `json:"agency_responsible"`
	ServiceNotice     *string  `json:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime"`
	Address           *string  `json:"address"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          *string  `json:"media_url"`
}

type o311RequestList struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []o311RequestXML `xml:"request"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// o311View is a public tip as an Open311 request.
func o311View(p app.PublicTip) o311RequestXML {
	status, notes := "open", p.StatusText
	if p.Closed {
		status = "closed"
	}
	if p.Feedback != "" {
		notes += "。" + p.Feedback
	}
	return o311RequestXML{ServiceRequestID: p.ID, Status: status, StatusNotes: notes, ServiceName: p.CategoryName,
		ServiceCode: string(p.Category), Description: p.Description, AgencyResponsible: p.Agency,
		RequestedDatetime: w3c(p.ReceivedAt), UpdatedDatetime: w3c(p.UpdatedAt), Address: p.Address,
		Lat: p.Lat, Long: p.Lng, MediaURL: p.MediaURL}
}

func o311WriteRequests(w http.ResponseWriter, f string, tips []app.PublicTip) {
	if f == "json" {
		out := make([]o311RequestJSON, 0, len(tips))
		for _, p := range tips {
			x := o311View(p)
			out = append(out, o311RequestJSON{ServiceRequestID: x.ServiceRequestID, Status: x.Status, StatusNotes: nullable(x.StatusNotes),
				ServiceName: x.ServiceName, ServiceCode: x.ServiceCode, Description: nullable(x.Description),
				AgencyResponsible: nullable(x.AgencyResponsible), ServiceNotice: nil, RequestedDatetime: x.RequestedDatetime,
				UpdatedDatetime: x.UpdatedDatetime, Address: nullable(x.Address), Lat: x.Lat, Long: x.Long, MediaURL: nullable(x.MediaURL)})
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	out := o311RequestList{Requests: []o311RequestXML{}}
	for _, p := range tips {
		out.Requests = append(out.Requests, o311View(p))
	}
	o311Write(w, f, http.StatusOK, out)
}

// parseW3C reads a W3C datetime (with its offset), or a date (midnight in
// Asia/Shanghai).
func parseW3C(field, v string) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	if t, err := time.ParseInLocation(domain.DateLayout, v, shanghai); err == nil {
		return &t, nil
	}
	return nil, domain.Invalid(field, "%s 应为 W3C 日期时间，例如 2020-10-01T00:00:00+08:00", field)
}

func (s *Server) o311Requests(w http.ResponseWriter, r *http.Request, f string) error {
	q := r.URL.Query()
	var pq app.PublicTipQuery
	if ids := strings.TrimSpace(q.Get("service_request_id")); ids != "" {
		// service_request_id overrides every other argument.
		for _, x := range strings.Split(ids, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil || id <= 0 {
				return domain.Invalid("service_request_id", "service_request_id 应为逗号分隔的数字")
			}
			pq.IDs = append(pq.IDs, id)
		}
		if len(pq.IDs) > open311MaxRequests {
			return domain.Invalid("service_request_id", "一次最多查询 %d 条", open311MaxRequests)
		}
	} else {
		for _, c := range strings.Split(q.Get("service_code"), ",") {
			if c = strings.TrimSpace(c); c != "" {
				pq.Categories = append(pq.Categories, domain.Category(c))
			}
		}
		open, closed := false, false
		for _, st := range strings.Split(q.Get("status"), ",") {
			switch strings.TrimSpace(st) {
			case "":
			case "open":
				open = true
			case "closed":
				closed = true
			default:
				return domain.Invalid("status", "status 只能为 open 或 closed")
			}
		}
		if open != closed {
			pq.Closed = &closed
		}
		from, err := parseW3C("start_date", q.Get("start_date"))
		if err != nil {
			return err
		}
		to, err := parseW3C("end_date", q.Get("end_date"))
		if err != nil {
			return err
		}
		switch {
		case from == nil && to == nil:
			t := s.clock.Now()
			f := t.Add(-open311MaxSpan)
			from, to = &f, &t
		case from == nil:
			f := to.Add(-open311MaxSpan)
			from = &f
		case to == nil:
			t := from.Add(open311MaxSpan)
			to = &t
		}
		if to.Before(*from) {
			return domain.Invalid("end_date", "end_date 早于 start_date")
		}
		if to.Sub(*from) > open311MaxSpan {
			return domain.Invalid("end_date", "start_date 与 end_date 相隔不能超过 90 天")
		}
		pq.From, pq.To = from, to
	}
	pq.Limit = open311MaxRequests
	tips, err := s.app.PublicTips(r.Context(), pq)
	if err != nil {
		return err
	}
	o311WriteRequests(w, f, tips)
	return nil
}

func (s *Server) o311Request(w http.ResponseWriter, r *http.Request, f string) error {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id <= 0 {
		return domain.Errorf(domain.ENOTFOUND, "service_request_id 不存在")
	}
	tips, err := s.app.PublicTips(r.Context(), app.PublicTipQuery{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return err
	}
	if len(tips) == 0 {
		return domain.Errorf(domain.ENOTFOUND, "service_request_id %d 不存在", id)
	}
	o311WriteRequests(w, f, tips)
	return nil
}
