package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/store"
)

// o311 is one Open311 answer.
type o311 struct {
	t      *testing.T
	f      string
	status int
	ctype  string
	body   string
	desc   string
}

func (e *testEnv) o311Get(f, path string) *o311 {
	e.t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	return readO311(e.t, f, "GET "+path, res)
}

func (e *testEnv) o311Post(f string, form url.Values) *o311 {
	e.t.Helper()
	res, err := http.Post(e.srv.URL+"/open311/v2/requests."+f, "application/x-www-form-urlencoded; charset=utf-8", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	return readO311(e.t, f, "POST requests."+f, res)
}

func readO311(t *testing.T, f, desc string, res *http.Response) *o311 {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := &o311{t: t, f: f, status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: string(b), desc: desc}
	want := "application/json; charset=utf-8"
	if f == "xml" {
		want = "text/xml; charset=utf-8"
		if !strings.HasPrefix(r.body, `<?xml version="1.0" encoding="UTF-8"?>`+"\n") {
			t.Fatalf("%s: XML without its declaration: %.80s", desc, r.body)
		}
	}
	if r.ctype != want {
		t.Fatalf("%s: content type %q, want %q", desc, r.ctype, want)
	}
	return r
}

func (r *o311) want(status int) *o311 {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d: %s", r.desc, r.status, status, r.body)
	}
	return r
}

// decode reads the answer into v: XML into its XML shape, JSON into its JSON shape.
func (r *o311) decode(xv, jv any) {
	r.t.Helper()
	var err error
	if r.f == "xml" {
		err = xml.Unmarshal([]byte(r.body), xv)
	} else {
		err = json.Unmarshal([]byte(r.body), jv)
	}
	if err != nil {
		r.t.Fatalf("%s: decode: %v\n%s", r.desc, err, r.body)
	}
}

// wantError checks the specification's error format: a list of code and
// description, the code matching the HTTP status.
func (r *o311) wantError(status int) {
	r.t.Helper()
	r.want(status)
	var xe struct {
		XMLName xml.Name `xml:"errors"`
		Errors  []struct {
			Code        int    `xml:"code"`
			Description string `xml:"description"`
		} `xml:"error"`
	}
	var je []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	r.decode(&xe, &je)
	if r.f == "xml" {
		for _, e := range xe.Errors {
			je = append(je, struct {
				Code        int    `json:"code"`
				Description string `json:"description"`
			}{e.Code, e.Description})
		}
	}
	if len(je) != 1 || je[0].Code != status || je[0].Description == "" {
		r.t.Fatalf("%s: errors %s", r.desc, r.body)
	}
}

// o311Request is a request as GET shows it, for both formats.
type o311Request struct {
	ID          int64    `xml:"service_request_id" json:"service_request_id"`
	Status      string   `xml:"status" json:"status"`
	StatusNotes *string  `xml:"status_notes" json:"status_notes"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	Description *string  `xml:"description" json:"description"`
	Agency      *string  `xml:"agency_responsible" json:"agency_responsible"`
	Requested   string   `xml:"requested_datetime" json:"requested_datetime"`
	Updated     string   `xml:"updated_datetime" json:"updated_datetime"`
	Address     *string  `xml:"address" json:"address"`
	Lat         *float64 `xml:"lat" json:"lat"`
	Long        *float64 `xml:"long" json:"long"`
	MediaURL    *string  `xml:"media_url" json:"media_url"`
}

func (r *o311) requests() []o311Request {
	r.t.Helper()
	var x struct {
		XMLName  xml.Name      `xml:"service_requests"`
		Requests []o311Request `xml:"request"`
	}
	var j []o311Request
	r.decode(&x, &j)
	if r.f == "xml" {
		return x.Requests
	}
	if j == nil && !strings.HasPrefix(strings.TrimSpace(r.body), "[") {
		r.t.Fatalf("%s: not a JSON array: %s", r.desc, r.body)
	}
	return j
}

var w3cDatetime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)

// Every Open311 method in both formats, as the GeoReport v2 specification
// gives them: discovery, services, a service definition, POST a request (its
// key, service and location checks), GET requests with their filters and GET
// one request; errors in the specification's shape with fitting statuses;
// never the reporter, internal notes, the inspector or enforcement details.
func TestOpen311_ConformanceBothFormats(t *testing.T) {
	storetest := []store.Dialect{store.SQLite, store.Postgres}
	for _, dialect := range storetest {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect)
			e.createCampaign()
			ctx := context.Background()
			svc := app.New(e.db)
			sys, _ := svc.SystemActor(ctx)
			key, _, err := svc.CreateOpen311Key(ctx, sys, "city-app")
			if err != nil {
				t.Fatal(err)
			}
			revoked, _, _ := svc.CreateOpen311Key(ctx, sys, "old-app")
			if err := svc.RevokeOpen311Key(ctx, sys, "old-app"); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"xml", "json"} {
				open311Conformance(t, e, f, key, revoked)
			}
		})
	}
}

func open311Conformance(t *testing.T, e *testEnv, f, key, revoked string) {
	// Service discovery.
	var xd, jd struct {
		XMLName    xml.Name `xml:"discovery" json:"-"`
		Changeset  string   `xml:"changeset" json:"changeset"`
		Contact    string   `xml:"contact" json:"contact"`
		KeyService string   `xml:"key_service" json:"key_service"`
		Endpoints  []struct {
			Specification string   `xml:"specification" json:"specification"`
			URL           string   `xml:"url" json:"url"`
			Changeset     string   `xml:"changeset" json:"changeset"`
			Type          string   `xml:"type" json:"type"`
			Formats       []string `xml:"formats>format" json:"formats"`
		} `xml:"endpoints>endpoint" json:"endpoints"`
	}
	e.o311Get(f, "/open311/discovery."+f).want(200).decode(&xd, &jd)
	d := jd
	if f == "xml" {
		d = xd
	}
	if d.Changeset == "" || d.Contact == "" || d.KeyService == "" || len(d.Endpoints) != 1 {
		t.Fatalf("discovery %+v", d)
	}
	ep := d.Endpoints[0]
	if ep.Specification != "http://wiki.open311.org/GeoReport_v2" || ep.URL != e.srv.URL+"/open311/v2" || ep.Type != "production" ||
		strings.Join(ep.Formats, ",") != "text/xml,application/json" || ep.Changeset == "" {
		t.Fatalf("endpoint %+v", ep)
	}

	// GET services: the campaign's categories.
	type service struct {
		Code     string `xml:"service_code" json:"service_code"`
		Name     string `xml:"service_name" json:"service_name"`
		Desc     string `xml:"description" json:"description"`
		Metadata bool   `xml:"metadata" json:"metadata"`
		Type     string `xml:"type" json:"type"`
		Keywords string `xml:"keywords" json:"keywords"`
		Group    string `xml:"group" json:"group"`
	}
	var xs struct {
		XMLName  xml.Name  `xml:"services"`
		Services []service `xml:"service"`
	}
	var js []service
	e.o311Get(f, "/open311/v2/services."+f+"?jurisdiction_id=zhonglou").want(200).decode(&xs, &js)
	if f == "xml" {
		js = xs.Services
	}
	if len(js) != 7 || js[3].Code != "spraying" || js[3].Name != "小喷涂" || !js[3].Metadata || js[3].Type != "realtime" ||
		js[3].Desc == "" || js[3].Group == "" || js[3].Keywords == "" {
		t.Fatalf("services %+v", js)
	}

	// GET service definition.
	type attribute struct {
		Variable bool    `xml:"variable" json:"variable"`
		Code     string  `xml:"code" json:"code"`
		Datatype string  `xml:"datatype" json:"datatype"`
		Required bool    `xml:"required" json:"required"`
		DTDesc   *string `xml:"datatype_description" json:"datatype_description"`
		Order    int     `xml:"order" json:"order"`
		Desc     string  `xml:"description" json:"description"`
	}
	var xdef, jdef struct {
		XMLName    xml.Name    `xml:"service_definition" json:"-"`
		Code       string      `xml:"service_code" json:"service_code"`
		Attributes []attribute `xml:"attributes>attribute" json:"attributes"`
	}
	r := e.o311Get(f, "/open311/v2/services/spraying."+f)
	r.want(200).decode(&xdef, &jdef)
	def := jdef
	if f == "xml" {
		def = xdef
		if !strings.Contains(r.body, "<datatype_description></datatype_description>") {
			t.Fatalf("an empty datatype_description is an empty element: %s", r.body)
		}
	} else if !strings.Contains(r.body, `"datatype_description":null`) {
		t.Fatalf("an empty datatype_description is null in JSON: %s", r.body)
	}
	if def.Code != "spraying" || len(def.Attributes) != 3 || def.Attributes[0].Code != "unit_name" || def.Attributes[0].Datatype != "string" ||
		!def.Attributes[0].Variable || def.Attributes[0].Order != 1 || def.Attributes[2].Variable || def.Attributes[2].Datatype != "text" {
		t.Fatalf("definition %+v", def)
	}
	e.o311Get(f, "/open311/v2/services/bogus."+f).wantError(404)

	// POST requests: the key, the service, the location.
	good := url.Values{"api_key": {key}, "jurisdiction_id": {"zhonglou"}, "service_code": {"spraying"},
		"lat": {"31.7801"}, "long": {"119.9302"}, "address_string": {"五星街道新中路 18 号"},
		"description": {"夜间喷漆，气味刺鼻"}, "media_url": {"https://img.example.com/1.jpg"},
		"first_name": {"小明"}, "last_name": {"公孙"}, "phone": {"13712345678"}, "email": {"gs@example.com"},
		"device_id": {"dev-1"}, "account_id": {"acct-9"},
		"attribute[unit_name]": {"红星喷涂点"}, "attribute[id_number]": {"320404198001011234"}}
	without := func(drop ...string) url.Values {
		v := url.Values{}
		for k, x := range good {
			v[k] = x
		}
		for _, k := range drop {
			v.Del(k)
		}
		return v
	}
	e.o311Post(f, without("api_key")).wantError(403)
	bad := without()
	bad.Set("api_key", "o311_not-a-key")
	e.o311Post(f, bad).wantError(403)
	bad.Set("api_key", revoked)
	e.o311Post(f, bad).wantError(403)
	e.o311Post(f, without("service_code")).wantError(400)
	bad = without()
	bad.Set("service_code", "bogus")
	e.o311Post(f, bad).wantError(404)
	e.o311Post(f, without("lat", "long", "address_string")).wantError(400)
	e.o311Post(f, without("long")).wantError(400)
	bad = without()
	bad.Set("description", strings.Repeat("字", 4001))
	e.o311Post(f, bad).wantError(400)

	r = e.o311Post(f, good).want(201)
	var xc struct {
		XMLName  xml.Name `xml:"service_requests"`
		Requests []struct {
			ID        int64   `xml:"service_request_id"`
			Notice    string  `xml:"service_notice"`
			AccountID *string `xml:"account_id"`
		} `xml:"request"`
	}
	var jc []struct {
		ID        int64   `json:"service_request_id"`
		Notice    string  `json:"service_notice"`
		AccountID *string `json:"account_id"`
	}
	r.decode(&xc, &jc)
	var id int64
	if f == "xml" {
		if len(xc.Requests) != 1 || xc.Requests[0].ID == 0 || xc.Requests[0].Notice == "" || !strings.Contains(r.body, "<account_id></account_id>") {
			t.Fatalf("created %s", r.body)
		}
		id = xc.Requests[0].ID
	} else {
		if len(jc) != 1 || jc[0].ID == 0 || jc[0].Notice == "" || !strings.Contains(r.body, `"account_id":null`) {
			t.Fatalf("created %s", r.body)
		}
		id = jc[0].ID
	}
	if strings.Contains(r.body, "token") {
		t.Fatalf("a realtime service returns no token: %s", r.body)
	}
	sid := fmtInt(id)

	// GET a request.
	r = e.o311Get(f, "/open311/v2/requests/"+sid+"."+f+"?jurisdiction_id=zhonglou").want(200)
	reqs := r.requests()
	if len(reqs) != 1 {
		t.Fatalf("request %s", r.body)
	}
	q := reqs[0]
	if q.ID != id || q.Status != "open" || q.ServiceCode != "spraying" || q.ServiceName != "小喷涂" || q.Agency == nil || *q.Agency == "" ||
		!w3cDatetime.MatchString(q.Requested) || !w3cDatetime.MatchString(q.Updated) || q.Requested != "2020-10-12T10:00:00+08:00" ||
		q.Lat == nil || *q.Lat != 31.7801 || q.Long == nil || *q.Long != 119.9302 || q.MediaURL == nil || *q.MediaURL != "https://img.example.com/1.jpg" ||
		q.Address == nil || *q.Address != "五星街道新中路 18 号" || q.StatusNotes == nil || *q.StatusNotes == "" {
		t.Fatalf("request %+v\n%s", q, r.body)
	}
	for _, secret := range []string{"公孙", "小明", "13712345678", "gs@example.com", "320404198001011234", "acct-9", "dev-1"} {
		if strings.Contains(r.body, secret) {
			t.Fatalf("GET request shows the reporter's %q: %s", secret, r.body)
		}
	}
	e.o311Get(f, "/open311/v2/requests/999999."+f).wantError(404)
	e.o311Get(f, "/open311/v2/requests/abc."+f).wantError(404)

	// GET requests and its filters.
	ids := func(path string) []int64 {
		t.Helper()
		var out []int64
		for _, x := range e.o311Get(f, path).want(200).requests() {
			out = append(out, x.ID)
		}
		return out
	}
	has := func(list []int64, id int64) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	}
	base := "/open311/v2/requests." + f
	if l := ids(base); !has(l, id) {
		t.Fatalf("default (last 90 days) lacks %d: %v", id, l)
	}
	if l := ids(base + "?service_request_id=" + sid + ",999999"); len(l) != 1 || l[0] != id {
		t.Fatalf("by id: %v", l)
	}
	if l := ids(base + "?service_request_id=" + sid + "&service_code=dust&status=closed"); len(l) != 1 {
		t.Fatalf("service_request_id overrides the other arguments: %v", l)
	}
	if l := ids(base + "?service_code=dust,smelting"); has(l, id) {
		t.Fatalf("service_code filter: %v", l)
	}
	if l := ids(base + "?service_code=spraying,dust"); !has(l, id) {
		t.Fatalf("service_code list: %v", l)
	}
	if l := ids(base + "?status=closed"); has(l, id) {
		t.Fatalf("status=closed lists an open request: %v", l)
	}
	if l := ids(base + "?status=open,closed"); !has(l, id) {
		t.Fatalf("status=open,closed: %v", l)
	}
	if l := ids(base + "?start_date=2020-10-12T09:00:00%2B08:00&end_date=2020-10-12T11:00:00Z"); !has(l, id) {
		t.Fatalf("date range: %v", l)
	}
	if l := ids(base + "?start_date=2020-10-12T00:00:00Z&end_date=2020-10-12T09:00:00%2B08:00"); has(l, id) {
		t.Fatalf("date range before it: %v", l)
	}
	e.o311Get(f, base+"?start_date=yesterday").wantError(400)
	e.o311Get(f, base+"?start_date=2020-01-01T00:00:00Z&end_date=2020-10-01T00:00:00Z").wantError(400) // more than 90 days
	e.o311Get(f, base+"?status=pending").wantError(400)
	e.o311Get(f, base+"?service_request_id=1,x").wantError(400)

	// Closed after the town finds it false; the notes never carry the
	// internal note, the inspector or enforcement.
	e.do("district", "POST", "/api/v1/tips/"+sid+"/actions", map[string]any{"action": "dispatch", "org_id": e.orgs["五星街道"].ID}).want(200)
	e.do("wx_officer", "POST", "/api/v1/tips/"+sid+"/actions", map[string]any{"action": "verify_false", "note": "王检查员现场核实，内部备注甲"}).want(200)
	r = e.o311Get(f, "/open311/v2/requests/"+sid+"."+f).want(200)
	q = r.requests()[0]
	if q.Status != "closed" || q.Agency == nil || *q.Agency != "五星街道" || !strings.Contains(*q.StatusNotes, "不属实") {
		t.Fatalf("closed request %+v", q)
	}
	for _, secret := range []string{"王检查员", "内部备注", "wx_officer"} {
		if strings.Contains(r.body, secret) {
			t.Fatalf("GET request shows %q: %s", secret, r.body)
		}
	}
	if l := ids(base + "?status=closed"); !has(l, id) {
		t.Fatalf("status=closed: %v", l)
	}
}
