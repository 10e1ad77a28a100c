package domain

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Attachment kinds (档案材料类别, DESIGN.md §2).
const (
	AttachSitePhoto       = "site_photo"       // 现场照片
	AttachPenaltyDecision = "penalty_decision" // 处罚决定书
	AttachClearsPhoto     = "clears_photo"     // 两断三清照片
	AttachDonePhoto       = "done_photo"       // 整改完成照片
	AttachOther           = "other"            // 其它
)

// AttachmentKinds lists the kinds in the order a form offers them.
var AttachmentKinds = []string{AttachSitePhoto, AttachPenaltyDecision, AttachClearsPhoto, AttachDonePhoto, AttachOther}

// AttachmentKindNames gives each attachment kind's Chinese name.
var AttachmentKindNames = map[string]string{
	AttachSitePhoto: "现场照片", AttachPenaltyDecision: "处罚决定书", AttachClearsPhoto: "两断三清照片",
	AttachDonePhoto: "整改完成照片", AttachOther: "其它",
}

// DefaultMaxAttachment is the upload limit when none is given (DESIGN.md §7).
const DefaultMaxAttachment = 20 << 20

// Attachment (档案材料) is one file of a case's (or an inspection's) record.
// The bytes are kept once per SHA-256 by the store's blob store; the record
// says who added them where and when.
type Attachment struct {
	ID           int64     `json:"id"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	ContentType  string    `json:"content_type"`
	Kind         string    `json:"kind"`
	Item         string    `json:"item,omitempty"` // clears_photo: the 两断三清 item it shows
	Filename     string    `json:"filename"`
	CaseID       *int64    `json:"case_id"`
	InspectionID *int64    `json:"inspection_id"`
	UploadedBy   int64     `json:"uploaded_by"`
	UploadedAt   time.Time `json:"uploaded_at"`
	Lat          *float64  `json:"lat"`
	Lng          *float64  `json:"lng"`
}

// Normalize checks an attachment's description before its bytes are
// stored: no kind means 其它, the kind must be known, a 两断三清照片's item
// (optional) a known item code and other kinds carry none, the coordinates
// pass CheckLatLng, and the filename is cleaned (CleanFilename). Whether the
// item is on the case's campaign checklist is CheckEvidenceItem's.
func (x *Attachment) Normalize() error {
	if x.Kind == "" {
		x.Kind = AttachOther
	}
	if _, ok := AttachmentKindNames[x.Kind]; !ok {
		return Invalid("kind", "未知的材料类别“%s”", x.Kind)
	}
	x.Item = strings.TrimSpace(x.Item)
	if x.Kind != AttachClearsPhoto {
		x.Item = "" // only a 两断三清照片 shows an item
	} else if _, ok := ClearItemNames[x.Item]; x.Item != "" && !ok {
		return Invalid("item", "未知的两断三清项目“%s”", x.Item)
	}
	if err := CheckLatLng(x.Lat, x.Lng); err != nil {
		return err
	}
	x.Filename = CleanFilename(x.Filename)
	return nil
}

// CleanFilename keeps the base name a browser sent, without path or control
// characters and at most 200 characters, for display and downloads only
// (files are stored by their hash).
func CleanFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimSpace(name))
	if name == "." || name == "/" {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	for utf8.RuneCountInString(name) > 200 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}

// CheckEvidenceItem checks a 两断三清照片's item against the case's campaign:
// it must be on the checklist.
func CheckEvidenceItem(x *Attachment, camp *Campaign) error {
	if x.Item != "" && !camp.HasClearItem(x.Item) {
		return Invalid("item", "“%s”不在本次专项行动的两断三清项目中", ClearItemNames[x.Item])
	}
	return nil
}

// EvidenceRefused is the answer to evidence for a case whose status does
// not accept it (AcceptsEvidence).
func EvidenceRefused(status CaseStatus) error {
	return &Error{Code: ECONFLICT, Field: "status",
		Message: fmt.Sprintf("问题处于“%s”状态，不能再添加材料", StatusNames[status])}
}

// TooLarge is the answer to an upload over its limit of max bytes.
func TooLarge(max int64) error {
	return &Error{Code: ETOOLARGE, Field: "file", Message: fmt.Sprintf("文件超过 %d MB 的上限", max>>20)}
}
