package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Sign-off decisions.
const (
	DecisionApprove CaseAction = "approve" // 审核通过
	DecisionReturn  CaseAction = "return"  // 退回
)

// SignOff (签字) is one approval or return of a case at one level (村/镇/区).
// It binds the signer to the case's content at that moment through
// ContentHash, so the case page can show when data was changed behind the
// program's back. A delegate signs with the head's role and names the head.
type SignOff struct {
	ID               int64      `json:"id"`
	CaseID           int64      `json:"case_id"`
	UserID           int64      `json:"user_id"` // who pressed the button
	UserName         string     `json:"user_name"`
	Role             Role       `json:"role"` // the role signed as (the head's, when delegated)
	OrgID            int64      `json:"org_id"`
	OnBehalfOfUserID *int64     `json:"on_behalf_of_user_id"` // the head, when delegated
	OnBehalfOfName   string     `json:"on_behalf_of_name,omitempty"`
	Decision         CaseAction `json:"decision"`
	Reason           string     `json:"reason,omitempty"`
	FromStatus       CaseStatus `json:"from_status"`
	ToStatus         CaseStatus `json:"to_status"`
	At               time.Time  `json:"at"`
	ContentHash      string     `json:"content_hash"` // hex SHA-256 of CanonicalContent
}

// NewSignOff records a's approve or return of c (which Transition allowed
// as from → to) at at, bound to the case's content and attachments. When a
// acts under del, the sign-off carries the head's role and name as well.
// It returns false for any action that is not a signature.
func NewSignOff(a *Actor, del *Delegation, c *Case, action CaseAction, reason string, from, to CaseStatus, at time.Time, attachmentSHA256s []string) (SignOff, bool) {
	if !isSignature(action) {
		return SignOff{}, false
	}
	s := SignOff{
		CaseID: c.ID, UserID: a.User.ID, UserName: a.User.DisplayName,
		Role: a.User.Role, OrgID: a.Org.ID,
		Decision: action, Reason: strings.TrimSpace(reason),
		FromStatus: from, ToStatus: to, At: at,
		ContentHash: ContentHash(c, attachmentSHA256s),
	}
	if r := EffectiveRole(a, del, at); r != a.User.Role {
		head := del.HeadUserID
		s.Role, s.OrgID = r, del.OrgID
		s.OnBehalfOfUserID, s.OnBehalfOfName = &head, del.HeadName
	}
	return s, true
}

// roleShort is a role's name within its unit, for a delegated signature.
var roleShort = map[Role]string{RoleTownOfficer: "经办", RoleTownHead: "主要负责人", RoleGrid: "网格员", RoleVillageHead: "负责人"}

// SignerRole says in what capacity the signer signed: their role's name,
// or for a delegate “经办（受主要负责人授权）” (the delegate's role, on
// the head's authority), whose head OnBehalfOfName names.
func (s SignOff) SignerRole() string {
	if s.OnBehalfOfUserID == nil {
		return RoleNames[s.Role]
	}
	return fmt.Sprintf("%s（受%s授权）", roleShort[DelegateRole(s.Role)], roleShort[s.Role])
}

// Verify reports whether the case's content and attachments are still what
// was signed.
func (s SignOff) Verify(c *Case, attachmentSHA256s []string) bool {
	return s.ContentHash == ContentHash(c, attachmentSHA256s)
}

// Holds reports whether a signature still holds for the case as stored now
// with files: one superseded (the case was returned or reopened after it,
// so its content could change legitimately) is not checked and holds; any
// other must Verify against the attachments it covered (Digests at its
// time). False can only come from data changed behind the program's back.
func (s SignOff) Holds(superseded bool, c *Case, files []SignedFile) bool {
	return superseded || s.Verify(c, Digests(files, s.At))
}

// SupersedesSignOffs reports whether action supersedes a case's signatures
// so far: returning or reopening it, after which its content may change and
// the old signatures are no longer checked.
func SupersedesSignOffs(action CaseAction) bool {
	return action == CaseReturn || action == CaseReopen
}

// SignedFile is an attachment as a signature sees it: its SHA-256 and when
// it was uploaded.
type SignedFile struct {
	SHA256     string
	UploadedAt time.Time
}

// Digests lists the SHA-256s of files; with a non-zero upTo only of those
// uploaded at or before it: what a signature given then covered, so
// evidence added later in a review state does not void an earlier one.
func Digests(files []SignedFile, upTo time.Time) []string {
	shas := []string{}
	for _, f := range files {
		if upTo.IsZero() || !f.UploadedAt.After(upTo) {
			shas = append(shas, f.SHA256)
		}
	}
	return shas
}

// CheckContentSeen refuses an action on a case whose content changed since
// the actor saw it (409): seen is the content hash the sign page showed
// ("" when none was shown), shas the case's attachments now. Nobody signs
// what they did not see.
func CheckContentSeen(seen string, c *Case, shas []string) error {
	if seen != "" && !strings.EqualFold(strings.TrimSpace(seen), ContentHash(c, shas)) {
		return &Error{Code: ECONFLICT, Field: "content_hash",
			Message: "问题内容或材料在您核对之后已有变化，请重新核对后再签字"}
	}
	return nil
}

// MaxBatchApproval is the most cases one batch approval (待我审核 批量通过) signs.
const MaxBatchApproval = 200

// CheckBatchApproval checks a batch approval of n cases: at least one, at
// most MaxBatchApproval.
func CheckBatchApproval(n int) error {
	if n == 0 {
		return Invalid("cases", "请选择要审核通过的问题")
	}
	if n > MaxBatchApproval {
		return Invalid("cases", "一次最多审核 %d 个问题", MaxBatchApproval)
	}
	return nil
}

// CheckBatchItem checks one case of a batch approval: the version the actor
// viewed is required, so only a case as it was viewed is signed.
func CheckBatchItem(version int64) error {
	if version <= 0 {
		return Invalid("version", "请提供查看时的版本号")
	}
	return nil
}

// canonicalCase is what a signature covers: every case field of DESIGN.md
// §7 except status and version, in that order, plus the attachments. Its
// JSON must never change shape, or every stored signature would read as a
// mismatch: a new case field joins it only deliberately, with a migration
// that re-states the old signatures.
type canonicalCase struct {
	ID                 int64           `json:"id"`
	ProblemNo          string          `json:"problem_no"`
	SourceNo           string          `json:"source_no"`
	CampaignID         int64           `json:"campaign_id"`
	OrgID              int64           `json:"org_id"`
	VillageID          *int64          `json:"village_id"`
	SiteID             int64           `json:"site_id"`
	UnitName           string          `json:"unit_name"`
	Category           string          `json:"category"`
	Address            string          `json:"address"`
	PersonInCharge     string          `json:"person_in_charge"`
	Description        string          `json:"description"`
	Source             string          `json:"source"`
	Shutdown           string          `json:"shutdown"`
	ShutdownDate       Date            `json:"shutdown_date"`
	Clears             map[string]bool `json:"two_cuts_three_clears"`
	ClearDates         map[string]Date `json:"two_cuts_three_clears_dates"`
	CaseFiled          bool            `json:"case_filed"`
	CaseNo             string          `json:"case_no"`
	FineFen            int64           `json:"fine_fen"`
	ConfiscatedFen     int64           `json:"confiscated_fen"`
	JudicialTransfer   bool            `json:"judicial_transfer"`
	JudicialPersons    int             `json:"judicial_persons"`
	DetainedPersons    int             `json:"detained_persons"`
	DisciplinedPersons int             `json:"disciplined_persons"`
	OnsiteStatus       string          `json:"onsite_status"`
	OnsiteDoneDate     Date            `json:"onsite_done_date"`
	RectifyDeadline    Date            `json:"rectify_deadline"`
	Supervised         bool            `json:"supervised"`
	SupervisedDeadline Date            `json:"supervised_deadline"`
	Attachments        []string        `json:"attachments"`
}

// CanonicalContent is the byte string a signature covers: the case's §7
// fields except status and version, and the sorted SHA-256s of its
// attachments, as compact JSON. It is deterministic: object keys in a fixed
// order (maps by sorted key), a 两断三清 item not done and one absent alike
// (left out), an empty checklist date left out, hex digests in lower case.
func CanonicalContent(c *Case, attachmentSHA256s []string) []byte {
	clears := make(map[string]bool, len(c.Clears))
	for it, done := range c.Clears {
		if done {
			clears[it] = true
		}
	}
	dates := make(map[string]Date, len(c.ClearDates))
	for it, d := range c.ClearDates {
		if d != "" {
			dates[it] = d
		}
	}
	shas := make([]string, len(attachmentSHA256s))
	for i, s := range attachmentSHA256s {
		shas[i] = strings.ToLower(strings.TrimSpace(s))
	}
	sort.Strings(shas)

	v := canonicalCase{
		ID: c.ID, ProblemNo: c.ProblemNo, SourceNo: c.SourceNo, CampaignID: c.CampaignID,
		OrgID: c.OrgID, VillageID: c.VillageID, SiteID: c.SiteID,
		UnitName: c.UnitName, Category: string(c.Category), Address: c.Address,
		PersonInCharge: c.PersonInCharge, Description: c.Description, Source: string(c.Source),
		Shutdown: string(c.Shutdown), ShutdownDate: c.ShutdownDate, Clears: clears, ClearDates: dates,
		CaseFiled: c.CaseFiled, CaseNo: c.CaseNo, FineFen: c.FineFen, ConfiscatedFen: c.ConfiscatedFen,
		JudicialTransfer: c.JudicialTransfer, JudicialPersons: c.JudicialPersons,
		DetainedPersons: c.DetainedPersons, DisciplinedPersons: c.DisciplinedPersons,
		OnsiteStatus: string(c.OnsiteStatus), OnsiteDoneDate: c.OnsiteDoneDate,
		RectifyDeadline: c.RectifyDeadline, Supervised: c.Supervised,
		SupervisedDeadline: c.SupervisedDeadline, Attachments: shas,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings, numbers, booleans and string-keyed maps: cannot fail.
		panic("canonical case content: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// ContentHash is the hex SHA-256 of CanonicalContent.
func ContentHash(c *Case, attachmentSHA256s []string) string {
	sum := sha256.Sum256(CanonicalContent(c, attachmentSHA256s))
	return hex.EncodeToString(sum[:])
}
