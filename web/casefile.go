package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"zhengzhi/domain"
)

// caseSheet is the printable case sheet (案卷) inside the ZIP: standalone HTML.
var caseSheet = template.Must(template.New("casesheet.html").Funcs(pageFuncs).ParseFS(assets, "templates/standalone/casesheet.html"))

// caseFileData is what the case sheet shows.
type caseFileData struct {
	Case        *domain.Case
	Campaign    *domain.Campaign
	Attachments []*domain.Attachment
	Clears      []domain.ClearState   // 两断三清 in the campaign's order
	History     []domain.HistoryEntry // 办理记录, oldest first
	Generated   time.Time
	By          string
	KindNames   map[string]string
}

// caseFileZip sends the whole file of a case (一案一档) as one ZIP: the
// printable case sheet (with its 办理记录 in words), every attachment and
// the audit events as recorded (审计时间线.json, the machine-readable
// trail), for supervisors and the discipline commission.
func (s *Server) caseFileZip(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.app.Case(ctx, a, id)
	if err != nil {
		return err
	}
	camp, err := s.app.Campaign(ctx, a, c.CampaignID)
	if err != nil {
		return err
	}
	atts, err := s.app.CaseAttachments(ctx, a, id)
	if err != nil {
		return err
	}
	tl, err := s.app.CaseTimeline(ctx, a, id)
	if err != nil {
		return err
	}
	inspections, err := s.caseInspections(r, a, c)
	if err != nil {
		return err
	}
	hist, err := s.app.CaseHistory(ctx, a, id)
	if err != nil {
		return err
	}
	d := caseFileData{Case: c, Campaign: camp, Attachments: atts, Clears: domain.OrderedClears(camp, c), History: hist,
		Generated: s.clock.Now(), By: a.User.DisplayName, KindNames: domain.AttachmentKindNames}
	var sheet bytes.Buffer
	if err := caseSheet.Execute(&sheet, d); err != nil {
		return fmt.Errorf("case sheet %d: %w", id, err)
	}
	name := c.ProblemNo
	if name == "" {
		name = fmt.Sprint(c.ID)
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape("案卷-"+name+".zip"))
	zw := zip.NewWriter(w)
	mod := s.clock.Now()
	put := func(path string, body io.Reader) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		_, err = io.Copy(f, body)
		return err
	}
	if err := put("案卷-"+name+".html", &sheet); err != nil {
		return err
	}
	tlJSON, _ := json.MarshalIndent(inShanghai(tl), "", "  ") // its instants at +08:00, as the API writes them
	if err := put("审计时间线.json", bytes.NewReader(tlJSON)); err != nil {
		return err
	}
	for _, att := range atts {
		kind := domain.AttachmentKindNames[att.Kind]
		if att.Item != "" {
			kind += "（" + domain.ClearItemNames[att.Item] + "）"
		}
		if err := s.putAttachment(ctx, a, put, fmt.Sprintf("材料/%03d-%s-%s", att.ID, kind, zipSafe(att.Filename)), att.ID); err != nil {
			return err
		}
	}
	// The photos taken when the site was inspected belong to the file too.
	for _, x := range inspections {
		for _, att := range x.files {
			name := fmt.Sprintf("排查照片/%s-%03d-%s", x.InspectedAt.In(shanghai).Format("20060102-1504"), att.ID, zipSafe(att.Filename))
			if err := s.putAttachment(ctx, a, put, name, att.ID); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// inspectionFiles is one inspection of the case's site with its photos.
type inspectionFiles struct {
	*domain.Inspection
	files []*domain.Attachment
}

// caseInspections lists the inspections of the case's site in its
// campaign, each with its photos.
func (s *Server) caseInspections(r *http.Request, a *domain.Actor, c *domain.Case) ([]inspectionFiles, error) {
	xs, err := s.app.SiteInspections(r.Context(), a, c.SiteID, c.CampaignID)
	if err != nil {
		return nil, err
	}
	out := make([]inspectionFiles, 0, len(xs))
	for _, x := range xs {
		files, err := s.app.InspectionAttachments(r.Context(), a, x.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, inspectionFiles{Inspection: x, files: files})
	}
	return out, nil
}

// putAttachment copies one stored file into the archive at name.
func (s *Server) putAttachment(ctx context.Context, a *domain.Actor, put func(string, io.Reader) error, name string, id int64) error {
	_, f, err := s.app.OpenAttachment(ctx, a, id)
	if err != nil {
		return err
	}
	defer f.Close()
	return put(name, f)
}

// zipSafe keeps a stored filename from escaping its folder in the archive.
func zipSafe(name string) string {
	name = strings.NewReplacer("/", "_", "\\", "_", "..", "_").Replace(name)
	if name == "" {
		return "file"
	}
	return name
}
