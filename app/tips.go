package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Public tips (举报): intake from the public page, partner apps (Open311) and
// the district office's manual entry; dispatch, verification, the case a
// true tip becomes, rewards, feedback, and the reporter revealed only to the
// district office. Every change is one transaction with its audit event.

// TipFile is a photo sent with a tip or evidence added when verifying it.
type TipFile = store.TipFile

// OutboxItem is a tip's delivery to the city's 12350 platform.
type OutboxItem = store.OutboxItem

// FileInput is one uploaded file.
type FileInput struct {
	Filename string
	Reader   io.Reader
}

// MaxTipFiles bounds the photos of one tip.
const MaxTipFiles = 6

// TipInput is a new tip.
type TipInput struct {
	CampaignID  int64             `json:"campaign_id"`
	Channel     domain.TipChannel `json:"channel"`
	RefNo       string            `json:"ref_no"`
	Category    domain.Category   `json:"category"`
	UnitName    string            `json:"unit_name"`
	Address     string            `json:"address"`
	Lat         *float64          `json:"lat"`
	Lng         *float64          `json:"lng"`
	Description string            `json:"description"`
	MediaURL    string            `json:"media_url"`
	Reporter    domain.Reporter   `json:"reporter"`

	Partner        string      `json:"-"` // the Open311 key's name, set by the app
	Files          []FileInput `json:"-"`
	MaxFileBytes   int64       `json:"-"` // per file; 0: the attachment default
	IdempotencyKey string      `json:"-"`
}

// TipReceipt is what intake answers: the tip and the reporter's follow code.
type TipReceipt struct {
	Tip        *domain.Tip
	FollowCode string
	Replayed   bool // a retry of an earlier submission: nothing new was stored
}

// publicActor is who acts for a submission from the public: no user, no
// role; the audit trail names the channel.
func publicActor(in TipInput) *domain.Actor {
	name := "public"
	if in.Partner != "" {
		name = "open311:" + in.Partner
	}
	return &domain.Actor{User: domain.User{Username: name, DisplayName: "群众"}}
}

// SubmitTip receives a tip from the public: the /tip page (channel web) or
// a partner app (channel open311, with Partner set). No login is needed.
func (s *App) SubmitTip(ctx context.Context, in TipInput) (*TipReceipt, error) {
	if in.Channel != domain.ChannelWeb && in.Channel != domain.ChannelOpen311 {
		return nil, domain.Invalid("channel", "群众只能通过网站或合作应用举报")
	}
	return s.receiveTip(ctx, publicActor(in), in, true)
}

// EnterTip records a hotline, letter or visit tip taken by the district
// office, usually with its 12350 number.
func (s *App) EnterTip(ctx context.Context, a *domain.Actor, in TipInput) (*TipReceipt, error) {
	if err := domain.Authorize(a, domain.ActEnterTips, nil, "举报"); err != nil {
		return nil, err
	}
	if !in.Channel.Manual() {
		return nil, domain.Invalid("channel", "请选择 12350热线、信件或来访")
	}
	in.Partner = ""
	return s.receiveTip(ctx, a, in, false)
}

// tipAudit is what the audit trail keeps of a new tip: the tip, and the
// reporter as keyed hashes (domain.Sensitive), never in clear.
type tipAudit struct {
	Tip      *domain.Tip     `json:"tip"`
	Reporter domain.Reporter `json:"reporter"`
	Files    []string        `json:"files"` // sha256
}

func (s *App) receiveTip(ctx context.Context, actor *domain.Actor, in TipInput, public bool) (*TipReceipt, error) {
	box, err := s.secrets.Box()
	if err != nil {
		return nil, err
	}
	rep := in.Reporter
	if err := rep.Normalize(); err != nil {
		return nil, err
	}
	if len(in.Files) > MaxTipFiles {
		return nil, domain.Invalid("photos", "最多上传 %d 张照片", MaxTipFiles)
	}
	files, err := s.putTipFiles(ctx, in.Files, in.MaxFileBytes, public)
	if err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(in.IdempotencyKey)
	code := domain.FollowCode(randomBytes(10))
	if key != "" {
		code = box.DerivedFollowCode("tip\x00" + key)
	}
	out := &TipReceipt{FollowCode: code}
	err = s.db.Write(ctx, actor, func(tx *store.Tx) error {
		if !public {
			if err := domain.Authorize(tx.Actor(), domain.ActEnterTips, nil, "举报"); err != nil {
				return err
			}
		}
		if id, ok, err := replay(tx, idemKey(key), "tip"); err != nil {
			return err
		} else if ok {
			out.Replayed = true
			out.Tip, err = tx.Tip(id)
			return err
		}
		rule, err := rewardRule(tx.Reader, camp.ID)
		if err != nil {
			return err
		}
		t := &domain.Tip{CampaignID: camp.ID, Channel: in.Channel, RefNo: in.RefNo, Category: in.Category,
			UnitName: in.UnitName, Address: in.Address, Lat: in.Lat, Lng: in.Lng, Description: in.Description,
			MediaURL: in.MediaURL, Partner: in.Partner}
		if err := t.Normalize(camp, rep); err != nil {
			return err
		}
		t.FeedbackDue = domain.DaysAfter(tx.Now(), s.zone, rule.FeedbackDays)
		hash := domain.FollowCodeHash(code)
		sealed, err := box.SealReporter(rep, hash)
		if err != nil {
			return err
		}
		if err := tx.InsertTip(t, sealed, hash); err != nil {
			return err
		}
		audit := tipAudit{Tip: t, Reporter: rep}
		for _, f := range files {
			f.TipID, f.Kind = t.ID, "report"
			if err := tx.InsertTipFile(f); err != nil {
				return err
			}
			audit.Files = append(audit.Files, f.SHA256)
		}
		if t.RefNo == "" {
			// Entered into 12350 by the outbox, in this same transaction.
			if err := tx.InsertOutbox(t.ID, newIdempotencyKey()); err != nil {
				return err
			}
		}
		if err := tx.Audit("create", "tip", t.ID, nil, audit); err != nil {
			return err
		}
		out.Tip = t
		return tx.Remember(idemKey(key), "tip", t.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// idemKey keeps tip submissions' keys apart from other records' (the public
// and the system share user id 0).
func idemKey(key string) string {
	if key == "" {
		return ""
	}
	return "tip:" + key
}

// putTipFiles stores uploaded files as blobs; a public submission takes
// photos only (the blob store sniffs the type and never trusts the name),
// and drops the names phones give them: a file name can name the reporter.
func (s *App) putTipFiles(ctx context.Context, in []FileInput, max int64, photosOnly bool) ([]*TipFile, error) {
	var out []*TipFile
	for i, f := range in {
		sum, size, ct, err := s.putBlob(ctx, f.Reader, max)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			continue
		}
		if photosOnly && !strings.HasPrefix(ct, "image/") {
			return nil, domain.Invalid("photos", "只能上传照片（JPEG、PNG 等图片）")
		}
		name := domain.CleanFilename(f.Filename)
		if photosOnly {
			name = fmt.Sprintf("照片%d", i+1)
		}
		out = append(out, &TipFile{SHA256: sum, Size: size, ContentType: ct, Filename: name})
	}
	return out, nil
}

// rewardRule is the campaign's rule, or the default when none is set.
func rewardRule(r store.Reader, campaignID int64) (domain.RewardRule, error) {
	x, err := r.RewardRule(campaignID)
	if store.IsNotFound(err) {
		return domain.DefaultRewardRule(campaignID), nil
	} else if err != nil {
		return domain.RewardRule{}, err
	}
	return *x, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b
}

func newIdempotencyKey() string { return hex.EncodeToString(randomBytes(16)) }

// tipPlace loads the unit a tip lies at for scope (its village, its town,
// or the root before dispatch).
func tipPlace(r store.Reader, t *domain.Tip) (*domain.OrgUnit, error) {
	root, err := r.Root()
	if err != nil {
		return nil, err
	}
	id := t.PlaceID(root.ID)
	if id == root.ID {
		return root, nil
	}
	return r.Org(id)
}

// loadTip loads a tip the actor may act on with act (scope first: 404).
func loadTip(r store.Reader, a *domain.Actor, id int64, act domain.Action) (*domain.Tip, *domain.OrgUnit, error) {
	t, err := r.Tip(id)
	if err != nil {
		return nil, nil, found(err, "举报")
	}
	place, err := tipPlace(r, t)
	if err != nil {
		return nil, nil, err
	}
	if err := domain.Authorize(a, act, place, "举报"); err != nil {
		return nil, nil, err
	}
	return t, place, nil
}

// tipScope turns the actor's scope into list criteria: the district level
// sees every tip (optionally one town's), a town only the tips dispatched to
// it — by equality on the tip's org_id.
func tipScope(r store.Reader, a *domain.Actor, orgID int64, f *store.TipFilter) error {
	root, err := r.Root()
	if err != nil {
		return err
	}
	if a.Sees(root) {
		if orgID != 0 {
			o, err := r.Org(orgID)
			if err != nil {
				return found(err, "单位")
			}
			f.OrgID = &o.ID
		}
		return nil
	}
	if !a.Scope.IsTown() || (orgID != 0 && orgID != a.Scope.ID) {
		return domain.NotFound("单位")
	}
	id := a.Scope.ID
	f.OrgID = &id
	return nil
}

// TipQuery selects tips for a list.
type TipQuery struct {
	CampaignID int64
	OrgID      int64
	Status     domain.TipStatus
	Channel    domain.TipChannel
	Page       int
	PerPage    int
}

// Tips lists the tips the actor may see, newest first, with the total.
func (s *App) Tips(ctx context.Context, a *domain.Actor, q TipQuery) ([]*domain.Tip, int, error) {
	if err := domain.Authorize(a, domain.ActReadTips, nil, "举报"); err != nil {
		return nil, 0, err
	}
	r := s.db.Reader(ctx)
	f := store.TipFilter{CampaignID: q.CampaignID, Channel: q.Channel}
	if err := tipScope(r, a, q.OrgID, &f); err != nil {
		return nil, 0, err
	}
	if q.Status != "" {
		if _, ok := domain.TipStatusNames[q.Status]; !ok {
			return nil, 0, domain.Invalid("status", "未知的举报状态“%s”", q.Status)
		}
		f.Statuses = []domain.TipStatus{q.Status}
	}
	if q.Channel != "" {
		if _, ok := domain.TipChannelNames[q.Channel]; !ok {
			return nil, 0, domain.Invalid("channel", "未知的举报渠道“%s”", q.Channel)
		}
	}
	f.Limit, f.Offset = pageOf(q.Page, q.PerPage)
	return r.Tips(f)
}

func pageOf(page, perPage int) (limit, offset int) {
	if perPage <= 0 || perPage > 200 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	return perPage, (page - 1) * perPage
}

// TipView is a tip as the staff see it: never the reporter's identity.
type TipView struct {
	Tip         *domain.Tip              `json:"tip"`
	VillageName string                   `json:"village_name,omitempty"`
	Files       []*TipFile               `json:"files"`
	Duplicates  []*domain.Tip            `json:"possible_duplicates"` // in the actor's scope
	FirstID     int64                    `json:"first_report_id"`     // the first report among the tip and its duplicates
	Case        *domain.Case             `json:"-"`
	CaseNo      string                   `json:"case_problem_no,omitempty"`
	Rule        domain.RewardRule        `json:"reward_rule"`
	Suggestion  *domain.RewardSuggestion `json:"reward_suggestion,omitempty"`
	Alerts      []domain.TipAlert        `json:"alerts"`
	Outbox      *OutboxItem              `json:"outbox_12350,omitempty"`
	MayReveal   bool                     `json:"-"`
}

// Tip loads one tip for an actor who may see it, with its possible
// duplicates, the linked case and the reward the rule suggests.
func (s *App) Tip(ctx context.Context, a *domain.Actor, id int64) (*TipView, error) {
	r := s.db.Reader(ctx)
	t, place, err := loadTip(r, a, id, domain.ActReadTips)
	if err != nil {
		return nil, err
	}
	v := &TipView{Tip: t, MayReveal: domain.RoleMay(a.Role(), domain.ActRevealReporter)}
	if t.VillageID != nil {
		v.VillageName = place.Name
	}
	if v.Files, err = r.TipFiles(t.ID); err != nil {
		return nil, err
	}
	if v.Duplicates, v.FirstID, err = s.possibleDuplicates(r, a, t); err != nil {
		return nil, err
	}
	if v.Rule, err = rewardRule(r, t.CampaignID); err != nil {
		return nil, err
	}
	if t.CaseID != nil {
		c, _, err := r.Case(*t.CaseID)
		if err != nil {
			return nil, err
		}
		v.Case, v.CaseNo = c, c.ProblemNo
		first, err := firstOfMatter(r, t)
		if err != nil {
			return nil, err
		}
		sug := domain.SuggestReward(v.Rule, t, c.FineFen, first)
		v.Suggestion = &sug
	}
	v.Alerts = domain.TipAlerts(t, domain.DateOf(s.clock.Now(), s.zone))
	if o, err := r.OutboxItemFor(t.ID); err == nil {
		v.Outbox = o
	} else if !store.IsNotFound(err) {
		return nil, err
	}
	return v, nil
}

// possibleDuplicates lists the tips the actor may see that may report the
// same matter as t, oldest first, and the first report among them and t.
func (s *App) possibleDuplicates(r store.Reader, a *domain.Actor, t *domain.Tip) ([]*domain.Tip, int64, error) {
	from, to := t.ReceivedAt.Add(-domain.DuplicateWindow), t.ReceivedAt.Add(domain.DuplicateWindow)
	f := store.TipFilter{CampaignID: t.CampaignID, From: &from, To: &to, Oldest: true}
	if err := tipScope(r, a, 0, &f); err != nil {
		return nil, 0, err
	}
	cands, _, err := r.Tips(f)
	if err != nil {
		return nil, 0, err
	}
	var dups []*domain.Tip
	for _, c := range cands {
		if domain.PossibleDuplicate(t, c) {
			dups = append(dups, c)
		}
	}
	first := domain.FirstReport(append([]*domain.Tip{t}, dups...))
	if first == nil {
		first = t
		if t.DuplicateOf != nil {
			return dups, *t.DuplicateOf, nil
		}
	}
	return dups, first.ID, nil
}

// firstOfMatter reports whether t is the first report among the tips linked
// to its case (only the first reporter of a matter is rewarded).
func firstOfMatter(r store.Reader, t *domain.Tip) (bool, error) {
	linked, _, err := r.Tips(store.TipFilter{CaseID: *t.CaseID})
	if err != nil {
		return false, err
	}
	first := domain.FirstReport(linked)
	return first != nil && first.ID == t.ID, nil
}

// TipActionInput is one step of a tip's handling (POST …/actions).
type TipActionInput struct {
	Action  domain.TipAction `json:"action"`
	Version int64            `json:"version"` // when sent, the version read: a stale one is refused

	OrgID     int64 `json:"org_id"` // dispatch
	VillageID int64 `json:"village_id"`

	Note        string `json:"note"`         // verify: what was found; mark_duplicate; approve: why the amount differs
	DuplicateOf int64  `json:"duplicate_of"` // mark_duplicate

	CaseID  int64      `json:"case_id"`  // link_case: an existing case
	NewCase *CaseInput `json:"new_case"` // link_case: open a new case, prefilled from the tip

	AmountFen *int64      `json:"amount_fen"` // approve_reward: instead of the suggestion
	PaidDate  domain.Date `json:"paid_date"`  // pay_reward
	Method    string      `json:"method"`
	PaidRef   string      `json:"paid_ref"`

	Text string `json:"text"` // feedback to the reporter

	Files        []FileInput `json:"-"` // verification evidence
	MaxFileBytes int64       `json:"-"`
}

// TipAction takes one step of a tip's handling for actor a.
func (s *App) TipAction(ctx context.Context, a *domain.Actor, id int64, in TipActionInput) (*domain.Tip, error) {
	if in.Action == domain.TipLinkCase && in.NewCase != nil && in.CaseID == 0 {
		return s.tipNewCase(ctx, a, id, in)
	}
	var files []*TipFile
	if len(in.Files) > 0 {
		if in.Action != domain.TipVerifyTrue && in.Action != domain.TipVerifyFalse && in.Action != domain.TipMarkDuplicate {
			return nil, domain.Invalid("file", "只有核查时可以上传证据材料")
		}
		if len(in.Files) > MaxTipFiles {
			return nil, domain.Invalid("file", "最多上传 %d 个文件", MaxTipFiles)
		}
		var err error
		if files, err = s.putTipFiles(ctx, in.Files, in.MaxFileBytes, false); err != nil {
			return nil, err
		}
	}
	var out *domain.Tip
	err := s.db.Write(ctx, a, func(tx *store.Tx) (err error) {
		out, err = s.tipAction(tx, a, id, in, files)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tipAction takes one action on a tip inside the caller's transaction, with
// the evidence files already stored.
func (s *App) tipAction(tx *store.Tx, a *domain.Actor, id int64, in TipActionInput, files []*TipFile) (*domain.Tip, error) {
	t, _, err := loadTip(tx.Reader, a, id, domain.ActReadTips)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != t.Version {
		return nil, domain.Stale("举报", t.Version)
	}
	if in.Action == domain.TipLinkCase && t.Status == domain.TipLinked && t.CaseID != nil && *t.CaseID == in.CaseID {
		return t, nil // the link is there already: a retry changes nothing
	}
	next, err := domain.TipTransition(t, in.Action, a.Role())
	if err != nil {
		return nil, err
	}
	before := *t
	now := tx.Now()
	if err := s.applyTipAction(tx, a, t, in, now); err != nil {
		return nil, err
	}
	t.Status = next
	if err := tx.UpdateTip(t, before.Version); err != nil {
		if errors.Is(err, store.ErrStale) {
			return nil, domain.Stale("举报", before.Version)
		}
		return nil, err
	}
	after := struct {
		*domain.Tip
		Evidence []string `json:"evidence,omitempty"`
	}{Tip: t}
	for _, f := range files {
		f.TipID, f.Kind = t.ID, "evidence"
		if err := tx.InsertTipFile(f); err != nil {
			return nil, err
		}
		after.Evidence = append(after.Evidence, f.SHA256)
	}
	return t, tx.Audit(string(in.Action), "tip", t.ID, &before, after)
}

// applyTipAction fills what the action changes on t (the status aside).
func (s *App) applyTipAction(tx *store.Tx, a *domain.Actor, t *domain.Tip, in TipActionInput, now time.Time) error {
	switch in.Action {
	case domain.TipDispatch:
		town, err := tx.Org(in.OrgID)
		if err != nil {
			return domain.Invalid("org_id", "请选择镇（街道）")
		}
		var village *domain.OrgUnit
		if in.VillageID != 0 {
			if village, err = tx.Org(in.VillageID); err != nil {
				return domain.Invalid("village_id", "村（社区）不存在")
			}
		}
		if err := domain.CheckDispatch(town, village); err != nil {
			return err
		}
		t.OrgID, t.VillageID, t.DispatchedAt, t.TownName = &town.ID, nil, &now, town.Name
		if village != nil {
			t.VillageID = &village.ID
		}
	case domain.TipVerifyTrue, domain.TipVerifyFalse:
		note, err := domain.TipNote("note", in.Note, true)
		if err != nil {
			return err
		}
		t.VerifyNote, t.VerifiedAt = note, &now
	case domain.TipMarkDuplicate:
		first, err := tx.Tip(in.DuplicateOf)
		if err != nil {
			return domain.Invalid("duplicate_of", "请选择首次举报")
		}
		if first.Status == domain.TipDuplicate && first.DuplicateOf != nil {
			if first, err = tx.Tip(*first.DuplicateOf); err != nil {
				return err
			}
		}
		place, err := tipPlace(tx.Reader, first)
		if err != nil {
			return err
		}
		if !a.Sees(place) {
			return domain.Invalid("duplicate_of", "请选择首次举报")
		}
		if err := domain.CheckDuplicateOf(t, first); err != nil {
			return err
		}
		note, err := domain.TipNote("note", in.Note, false)
		if err != nil {
			return err
		}
		t.DuplicateOf, t.VerifyNote, t.VerifiedAt = &first.ID, note, &now
	case domain.TipLinkCase:
		if in.CaseID == 0 {
			return domain.Invalid("case_id", "请选择要关联的问题，或新建问题")
		}
		c, cplace, err := tx.Case(in.CaseID)
		if err != nil {
			return domain.Invalid("case_id", "问题不存在")
		}
		if !a.Sees(cplace) {
			return domain.Invalid("case_id", "问题不存在")
		}
		if err := domain.CheckLinkCase(t, c); err != nil {
			return err
		}
		t.CaseID = &c.ID
	case domain.TipApproveReward:
		c, _, err := tx.Case(*t.CaseID)
		if err != nil {
			return err
		}
		rule, err := rewardRule(tx.Reader, t.CampaignID)
		if err != nil {
			return err
		}
		first, err := firstOfMatter(tx.Reader, t)
		if err != nil {
			return err
		}
		sug := domain.SuggestReward(rule, t, c.FineFen, first)
		if !sug.Eligible {
			return &domain.Error{Code: domain.ECONFLICT, Field: "reward", Message: sug.Reason}
		}
		note := strings.TrimSpace(in.Note)
		amount := sug.AmountFen
		if in.AmountFen != nil {
			amount = *in.AmountFen
		}
		if err := domain.CheckApprovedAmount(rule, sug.AmountFen, amount, note); err != nil {
			return err
		}
		t.Reward = domain.Reward{Status: domain.RewardApproved, AmountFen: amount, ApprovedAt: &now,
			PayDue: domain.DaysAfter(now, s.zone, rule.PayDays), Note: note}
	case domain.TipPayReward:
		if in.PaidDate == "" {
			return domain.Invalid("paid_date", "请填写兑现日期")
		}
		if _, err := domain.ParseDate("paid_date", string(in.PaidDate)); err != nil {
			return err
		}
		if in.PaidDate > domain.DateOf(now, s.zone) || (t.Reward.ApprovedAt != nil && in.PaidDate < domain.DateOf(*t.Reward.ApprovedAt, s.zone)) {
			return domain.Invalid("paid_date", "兑现日期应在核定之后、不晚于今天")
		}
		m := domain.PayMethod(in.Method)
		if _, ok := domain.PayMethodNames[m]; !ok {
			return domain.Invalid("method", "请选择兑现方式")
		}
		ref, err := domain.TipNote("paid_ref", in.PaidRef, false)
		if err != nil {
			return err
		}
		t.Reward.Status, t.Reward.PaidDate, t.Reward.Method, t.Reward.PaidRef = domain.RewardPaid, in.PaidDate, m, ref
	case domain.TipFeedback:
		text, err := domain.TipNote("text", in.Text, true)
		if err != nil {
			return err
		}
		t.Feedback, t.FeedbackAt = text, &now
	}
	return nil
}

// tipNewCase turns a true tip into a new case (source 群众举报, prefilled from
// the tip) and links it.
//
// The case is opened and linked in one transaction, under an idempotency
// key derived from the tip, so a retry returns the same case and link.
func (s *App) tipNewCase(ctx context.Context, a *domain.Actor, id int64, in TipActionInput) (*domain.Tip, error) {
	r := s.db.Reader(ctx)
	t, _, err := loadTip(r, a, id, domain.ActReadTips)
	if err != nil {
		return nil, err
	}
	if _, err := domain.TipTransition(t, domain.TipLinkCase, a.Role()); err != nil {
		return nil, err
	}
	ci := *in.NewCase
	def := domain.CaseFieldsFromTip(t)
	ci.CampaignID, ci.SiteID, ci.OrgID, ci.VillageID = t.CampaignID, 0, *t.OrgID, 0
	if t.VillageID != nil {
		ci.VillageID = *t.VillageID
	}
	if strings.TrimSpace(ci.UnitName) == "" {
		ci.UnitName = def.UnitName
	}
	if ci.Category == "" {
		ci.Category = def.Category
	}
	if strings.TrimSpace(ci.Address) == "" {
		ci.Address = def.Address
	}
	if strings.TrimSpace(ci.Description) == "" {
		ci.Description = def.Description
	}
	ci.Source, ci.SourceNo = domain.SourceTip, def.SourceNo
	if ci.Lat == nil && ci.Lng == nil {
		ci.Lat, ci.Lng = t.Lat, t.Lng
	}
	ci.IdempotencyKey = fmt.Sprintf("tip-case:%d", t.ID)
	camp, err := s.ResolveCampaign(ctx, ci.CampaignID)
	if err != nil {
		return nil, err
	}
	var out *domain.Tip
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		c, err := s.createCase(tx, a, ci, camp)
		if err != nil {
			return err
		}
		out, err = s.tipAction(tx, a, id, TipActionInput{Action: domain.TipLinkCase, CaseID: c.ID}, nil)
		return err
	})
	return out, err
}

// RevealReporter shows the district office who sent a tip, for a reason;
// the reveal is itself an audit event (the identity is not in it).
func (s *App) RevealReporter(ctx context.Context, a *domain.Actor, id int64, reason string) (domain.Reporter, error) {
	box, err := s.secrets.Box()
	if err != nil {
		return domain.Reporter{}, err
	}
	var rep domain.Reporter
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		t, _, err := loadTip(tx.Reader, a, id, domain.ActRevealReporter)
		if err != nil {
			return err
		}
		why, err := domain.TipNote("reason", reason, true)
		if err != nil {
			return err
		}
		sealed, hash, err := tx.TipSealed(t.ID)
		if err != nil {
			return err
		}
		if rep, err = box.OpenReporter(sealed, hash); err != nil {
			return fmt.Errorf("reveal reporter of tip %d: %w", t.ID, err)
		}
		return tx.Audit("reveal", "tip", t.ID, nil, struct {
			Reason string `json:"reason"`
		}{why})
	})
	return rep, err
}

// PublicTip is what the public may see of a tip (the follow page, Open311):
// never the reporter, internal notes, inspectors or enforcement details.
type PublicTip struct {
	ID           int64
	Category     domain.Category
	CategoryName string
	UnitName     string
	Address      string
	Lat, Lng     *float64
	Description  string
	MediaURL     string
	Status       domain.TipStatus
	Closed       bool
	StatusText   string
	Feedback     string
	RewardText   string
	Agency       string // the office handling it: the town once dispatched
	ReceivedAt   time.Time
	UpdatedAt    time.Time
}

func publicTip(t *domain.Tip, root *domain.OrgUnit) PublicTip {
	p := PublicTip{ID: t.ID, Category: t.Category, CategoryName: domain.CategoryNames[t.Category], UnitName: t.UnitName,
		Address: t.Address, Lat: t.Lat, Lng: t.Lng, Description: t.Description, MediaURL: t.MediaURL,
		Status: t.Status, Closed: t.Status.Closed(), StatusText: t.PublicStatus(), Feedback: t.Feedback,
		RewardText: t.PublicReward(), Agency: root.Name + "联席会议办公室", ReceivedAt: t.ReceivedAt, UpdatedAt: t.UpdatedAt}
	if t.TownName != "" {
		p.Agency = t.TownName
	}
	return p
}

// FollowTip finds a tip by its follow code, for the reporter (no login).
func (s *App) FollowTip(ctx context.Context, code string) (*PublicTip, error) {
	if strings.TrimSpace(code) == "" {
		return nil, domain.NotFound("举报")
	}
	r := s.db.Reader(ctx)
	t, err := r.TipByFollowHash(domain.FollowCodeHash(code))
	if err != nil {
		return nil, found(err, "举报")
	}
	root, err := r.Root()
	if err != nil {
		return nil, err
	}
	p := publicTip(t, root)
	return &p, nil
}

// PublicTipQuery selects tips for Open311's GET requests.
type PublicTipQuery struct {
	IDs        []int64
	Categories []domain.Category
	Closed     *bool
	From, To   *time.Time
	Limit      int
}

// PublicTips lists tips as the public may see them, newest first.
func (s *App) PublicTips(ctx context.Context, q PublicTipQuery) ([]PublicTip, error) {
	r := s.db.Reader(ctx)
	f := store.TipFilter{IDs: q.IDs, Categories: q.Categories, From: q.From, To: q.To, Limit: q.Limit}
	if q.Closed != nil {
		for _, st := range domain.TipStatuses {
			if st.Closed() == *q.Closed {
				f.Statuses = append(f.Statuses, st)
			}
		}
	}
	tips, _, err := r.Tips(f)
	if err != nil {
		return nil, err
	}
	root, err := r.Root()
	if err != nil {
		return nil, err
	}
	out := make([]PublicTip, 0, len(tips))
	for _, t := range tips {
		out = append(out, publicTip(t, root))
	}
	return out, nil
}

// TipFigures counts a campaign's tips by town and channel in the actor's
// scope: the district level every town (and the undispatched), a town its own.
func (s *App) TipFigures(ctx context.Context, a *domain.Actor, campaignID int64) (*domain.TipFigures, error) {
	if err := domain.Authorize(a, domain.ActReadTips, nil, "举报"); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	f := store.TipFilter{CampaignID: camp.ID}
	if err := tipScope(r, a, 0, &f); err != nil {
		return nil, err
	}
	tips, _, err := r.Tips(f)
	if err != nil {
		return nil, err
	}
	var towns []*domain.OrgUnit
	if f.OrgID == nil {
		root, err := r.Root()
		if err != nil {
			return nil, err
		}
		kids, err := r.Children(root.ID)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if k.IsTown() {
				towns = append(towns, k)
			}
		}
	} else {
		o, err := r.Org(*f.OrgID)
		if err != nil {
			return nil, err
		}
		towns = []*domain.OrgUnit{o}
	}
	return domain.CountTips(camp.ID, towns, f.OrgID == nil, tips), nil
}

// TipAlerts lists what is overdue on the tips of the campaign the actor
// may see: approved rewards unpaid past their deadline, reporters waiting
// for an answer past theirs.
func (s *App) TipAlerts(ctx context.Context, a *domain.Actor, campaignID int64) ([]domain.TipAlert, error) {
	if err := domain.Authorize(a, domain.ActReadTips, nil, "举报"); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	f := store.TipFilter{CampaignID: camp.ID, Oldest: true}
	if err := tipScope(r, a, 0, &f); err != nil {
		return nil, err
	}
	tips, _, err := r.Tips(f)
	if err != nil {
		return nil, err
	}
	today := domain.DateOf(s.clock.Now(), s.zone)
	out := []domain.TipAlert{}
	for _, t := range tips {
		out = append(out, domain.TipAlerts(t, today)...)
	}
	return out, nil
}

// RewardRule returns a campaign's reward rule (the default when none is set).
func (s *App) RewardRule(ctx context.Context, a *domain.Actor, campaignID int64) (domain.RewardRule, error) {
	if err := domain.Authorize(a, domain.ActReadTips, nil, "举报"); err != nil {
		return domain.RewardRule{}, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return domain.RewardRule{}, err
	}
	return rewardRule(s.db.Reader(ctx), camp.ID)
}

// SetRewardRule sets a campaign's reward rule and deadlines.
func (s *App) SetRewardRule(ctx context.Context, a *domain.Actor, rule domain.RewardRule) (domain.RewardRule, error) {
	camp, err := s.ResolveCampaign(ctx, rule.CampaignID)
	if err != nil {
		return rule, err
	}
	rule.CampaignID = camp.ID
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := domain.Authorize(a, domain.ActRewardTips, nil, "举报"); err != nil {
			return err
		}
		if err := rule.Normalize(); err != nil {
			return err
		}
		before, err := rewardRule(tx.Reader, camp.ID)
		if err != nil {
			return err
		}
		if err := tx.PutRewardRule(rule); err != nil {
			return err
		}
		return tx.Audit("set_reward_rule", "campaign", camp.ID, before, rule)
	})
	return rule, err
}

// TipFileContent opens a file of a tip the actor may see; the caller closes it.
func (s *App) TipFileContent(ctx context.Context, a *domain.Actor, tipID, fileID int64) (*TipFile, io.ReadSeekCloser, error) {
	r := s.db.Reader(ctx)
	if _, _, err := loadTip(r, a, tipID, domain.ActReadTips); err != nil {
		return nil, nil, err
	}
	files, err := r.TipFiles(tipID)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		if f.ID == fileID {
			rc, err := s.db.OpenBlob(ctx, f.SHA256)
			if err != nil {
				return nil, nil, fmt.Errorf("open tip file %d: %w", f.ID, err)
			}
			return f, rc, nil
		}
	}
	return nil, nil, domain.NotFound("文件")
}
