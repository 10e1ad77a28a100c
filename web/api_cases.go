package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// apiCases registers sites, inspections, cases and attachments (DESIGN.md §7).
func (s *Server) apiCases(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/sites", s.api(s.createSite))
	mux.HandleFunc("GET /api/v1/sites", s.api(s.listSites))
	mux.HandleFunc("GET /api/v1/sites/{id}", s.api(s.getSite))
	mux.HandleFunc("PATCH /api/v1/sites/{id}", s.api(s.patchSite))
	mux.HandleFunc("GET /api/v1/sites/{id}/inspections", s.api(s.siteInspections))
	mux.HandleFunc("POST /api/v1/inspections", s.api(s.createInspection))
	mux.HandleFunc("GET /api/v1/inspections/{id}", s.api(s.getInspection))
	mux.HandleFunc("POST /api/v1/cases", s.api(s.createCase))
	mux.HandleFunc("GET /api/v1/cases", s.api(s.listCases))
	mux.HandleFunc("GET /api/v1/cases/{id}", s.api(s.getCase))
	mux.HandleFunc("PATCH /api/v1/cases/{id}", s.api(s.patchCase))
	mux.HandleFunc("GET /api/v1/cases/{id}/timeline", s.api(s.caseTimeline))
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments", s.api(s.caseAttachments))
	mux.HandleFunc("POST /api/v1/cases/{id}/attachments", s.api(s.uploadAttachment))
	mux.HandleFunc("GET /api/v1/cases/{id}/file.zip", s.api(s.caseFileZip))
	mux.HandleFunc("GET /api/v1/attachments/{id}", s.api(s.serveAttachment))
}

// paging reads page (1-based) and per_page (default 50, at most 500).
func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	page, per := 1, 50
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, domain.Invalid("page", "page 应为正整数")
		}
	}
	if v := q.Get("per_page"); v != "" {
		if per, err = strconv.Atoi(v); err != nil || per < 1 || per > 500 {
			return 0, 0, domain.Invalid("per_page", "per_page 应为 1–500")
		}
	}
	return per, (page - 1) * per, nil
}

// afterParam reads the keyset cursor after= (the "next" of a previous
// page, for paging deep); a page= beyond the first with it is refused.
func afterParam(r *http.Request) (string, error) {
	q := r.URL.Query()
	after := strings.TrimSpace(q.Get("after"))
	if after != "" && q.Get("page") != "" && q.Get("page") != "1" {
		return "", domain.Invalid("after", "after 与 page 不能同时使用")
	}
	return after, nil
}

// queryID reads an optional numeric query parameter.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, domain.Invalid(name, "%s 应为数字", name)
	}
	return id, nil
}

// idempotencyKey takes the key from the Idempotency-Key header (API) or
// the idempotency_key form field (pages).
func idempotencyKey(r *http.Request) string {
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		return strings.TrimSpace(k)
	}
	return strings.TrimSpace(r.FormValue("idempotency_key"))
}

type listResult[T any] struct {
	Items []T    `json:"items"`
	Total int    `json:"total"`
	Next  string `json:"next,omitempty"` // after= of the following page, when there is one
}

func list[T any](items []T, total int) listResult[T] {
	if items == nil {
		items = []T{}
	}
	return listResult[T]{Items: items, Total: total}
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.SiteInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(r)
	site, err := s.app.CreateSite(r.Context(), a, in)
	if err != nil {
		return err
	}
	if site.Warnings == nil {
		site.Warnings = []domain.Warning{}
	}
	writeJSON(w, http.StatusCreated, site)
	return nil
}

// siteFilter reads a site list's criteria from the query (the API's and the
// register page's): org_id, village_id, q, state, target_type, inspected
// (yes|no: 已排查 / 未排查 in campaign_id, default the active campaign),
// sort, page, per_page, after.
func siteFilter(r *http.Request) (app.SiteFilter, error) {
	var f app.SiteFilter
	var err error
	if f.OrgID, err = queryID(r, "org_id"); err != nil {
		return f, err
	}
	if f.VillageID, err = queryID(r, "village_id"); err != nil {
		return f, err
	}
	if f.CampaignID, err = queryID(r, "campaign_id"); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.Q, f.State, f.TargetType, f.Sort = strings.TrimSpace(q.Get("q")), q.Get("state"), q.Get("target_type"), q.Get("sort")
	switch q.Get("inspected") {
	case "":
	case "yes", "1", "true":
		f.Inspected = true
	case "no", "0", "false":
		f.NotInspected = true
	default:
		return f, domain.Invalid("inspected", "inspected 应为 yes 或 no")
	}
	if f.Limit, f.Offset, err = paging(r); err != nil {
		return f, err
	}
	if f.After, err = afterParam(r); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := siteFilter(r)
	if err != nil {
		return err
	}
	l, err := s.app.SiteList(r.Context(), a, f)
	if err != nil {
		return err
	}
	res := list(l.Items, l.Total)
	res.Next = l.Next
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	site, err := s.app.Site(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, site)
	return nil
}

func (s *Server) patchSite(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p app.SitePatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	site, err := s.app.UpdateSite(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, site)
	return nil
}

func (s *Server) siteInspections(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	campaignID, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	items, err := s.app.SiteInspections(r.Context(), a, id, campaignID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

// inspectionInput takes inspected_at as a string so a bad one names its field.
type inspectionInput struct {
	CampaignID  int64    `json:"campaign_id"`
	SiteID      int64    `json:"site_id"`
	InspectedAt string   `json:"inspected_at"`
	Inspectors  string   `json:"inspectors"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
	Outcome     string   `json:"outcome"`
	Note        string   `json:"note"`
}

func (in inspectionInput) input() (app.InspectionInput, error) {
	out := app.InspectionInput{CampaignID: in.CampaignID, SiteID: in.SiteID, Inspectors: in.Inspectors,
		Lat: in.Lat, Lng: in.Lng, Outcome: in.Outcome, Note: in.Note}
	if in.InspectedAt != "" {
		t, err := time.Parse(time.RFC3339, in.InspectedAt)
		if err != nil {
			return out, domain.Invalid("inspected_at", "时间格式应为 RFC 3339，如 2020-10-14T09:30:00+08:00")
		}
		out.InspectedAt = t
	}
	return out, nil
}

func (s *Server) createInspection(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var raw inspectionInput
	if err := decodeJSON(w, r, &raw); err != nil {
		return err
	}
	in, err := raw.input()
	if err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(r)
	x, err := s.app.CreateInspection(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) getInspection(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.app.Inspection(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.CaseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(r)
	c, err := s.app.CreateCase(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// caseFilter reads the case list's query parameters (API and page alike).
func caseFilter(r *http.Request) (app.CaseFilter, error) {
	var f app.CaseFilter
	var err error
	if f.CampaignID, err = queryID(r, "campaign_id"); err != nil {
		return f, err
	}
	if f.OrgID, err = queryID(r, "org_id"); err != nil {
		return f, err
	}
	if f.VillageID, err = queryID(r, "village_id"); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.Status, f.Category, f.Source = domain.CaseStatus(q.Get("status")), domain.Category(q.Get("category")), domain.Source(q.Get("source"))
	f.Q, f.Sort = strings.TrimSpace(q.Get("q")), q.Get("sort")
	if f.Status != "" && f.Status != domain.StatusLive && f.Status != domain.StatusOpen && domain.StatusNames[f.Status] == "" {
		return f, domain.Invalid("status", "未知的状态 %q", f.Status)
	}
	if f.Category != "" && domain.CategoryNames[f.Category] == "" {
		return f, domain.Invalid("category", "未知的问题类别 %q", f.Category)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"overdue", &f.Overdue}, {"awaiting_closeout", &f.AwaitingCloseout}, {"supervised", &f.Supervised}} {
		if *b.dst, err = queryBool(r, b.name); err != nil {
			return f, err
		}
	}
	if f.Limit, f.Offset, err = paging(r); err != nil {
		return f, err
	}
	if f.After, err = afterParam(r); err != nil {
		return f, err
	}
	return f, nil
}

// queryBool reads a yes/no query parameter: 1/true, 0/false or absent.
func queryBool(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, domain.Invalid(name, "%s 应为 true 或 false", name)
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	l, err := s.app.CaseList(r.Context(), a, f)
	if err != nil {
		return err
	}
	res := list(l.Items, l.Total)
	res.Next = l.Next
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.app.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) patchCase(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p app.CasePatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	if p.Version == 0 {
		return domain.Invalid("version", "请提供读取时的 version")
	}
	c, err := s.app.UpdateCase(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	evs, err := s.app.CaseTimeline(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(evs, len(evs)))
	return nil
}

func (s *Server) caseAttachments(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.app.CaseAttachments(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

// uploadAttachment stores one multipart file (fields file, kind, lat, lng).
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	att, err := s.receiveUpload(w, r, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, att)
	return nil
}

// receiveUpload parses a multipart upload within the size limit and saves it.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request, a *domain.Actor, caseID int64) (*domain.Attachment, error) {
	// The body may exceed the file limit by the multipart framing only.
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &domain.Error{Code: domain.ETOOLARGE, Field: "file", Message: "文件过大（上限 " + strconv.FormatInt(s.maxUpload>>20, 10) + " MiB）"}
		}
		return nil, domain.Invalid("file", "请以 multipart/form-data 上传文件")
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, domain.Invalid("file", "请选择要上传的文件")
	}
	defer f.Close()
	in := app.AttachmentInput{Kind: r.FormValue("kind"), Item: r.FormValue("item"), Filename: hdr.Filename, Reader: f, MaxBytes: s.maxUpload}
	if in.Lat, err = optFloat(r.FormValue("lat"), "lat"); err != nil {
		return nil, err
	}
	if in.Lng, err = optFloat(r.FormValue("lng"), "lng"); err != nil {
		return nil, err
	}
	return s.app.SaveAttachment(r.Context(), a, caseID, in)
}

func optFloat(v, field string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, domain.Invalid(field, "%s 应为数字", field)
	}
	return &f, nil
}

// serveAttachment sends one file of a case's record.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	att, f, err := s.app.OpenAttachment(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer f.Close()
	serveStoredFile(w, att.ContentType, att.Filename, att.Size, f)
	return nil
}

// serveStoredFile sends an uploaded file (attachment, sealed scan). It is
// never served as HTML: the stored type was sniffed and sanitised on upload,
// nosniff and a sandboxing CSP are set, and anything but an image or PDF is
// a download.
func serveStoredFile(w http.ResponseWriter, contentType, filename string, size int64, f io.Reader) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=86400")
	disp := "attachment"
	if strings.HasPrefix(contentType, "image/") || contentType == "application/pdf" {
		disp = "inline"
	}
	h.Set("Content-Disposition", disp+"; filename*=UTF-8''"+urlPathEscape(filename))
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	io.Copy(w, f) // a client that hangs up mid-file is not an error of ours
}

func urlPathEscape(s string) string {
	if s == "" {
		s = "file"
	}
	return strings.ReplaceAll(url.PathEscape(s), "'", "%27")
}
