package app_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestFinalSummary_UploadSignAndDueDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		scan := []byte("%PDF-1.4 sealed summary")
		x, err := f.app.UploadFinalSummary(ctx, f.as["wx_officer"], app.FinalSummaryInput{Filename: `C:\扫描\总结.pdf`, Reader: bytes.NewReader(scan)})
		if err != nil || x.Status != domain.FinalUploaded || x.ContentType != "application/pdf" || x.Filename != "总结.pdf" {
			t.Fatalf("upload: %+v %v", x, err)
		}
		_, err = f.app.SignFinalSummary(ctx, f.as["wx_officer"], x.ID)
		wantErrCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.SignFinalSummary(ctx, f.as["district"], x.ID)
		wantErrCode(t, err, domain.EFORBIDDEN)
		f.clock.T = time.Date(2020, 11, 15, 23, 59, 0, 0, sh)
		signed, err := f.app.SignFinalSummary(ctx, f.as["wx_head"], x.ID)
		if err != nil || signed.Status != domain.FinalSigned || !*signed.OnTime {
			t.Fatalf("sign: %+v %v", signed, err)
		}
		_, err = f.app.UploadFinalSummary(ctx, f.as["wx_officer"], app.FinalSummaryInput{Reader: bytes.NewReader(scan)})
		wantErrCode(t, err, domain.ECONFLICT)
		// After the due date: towns without a summary are missing; a late sign-off is late.
		f.clock.T = time.Date(2020, 11, 16, 0, 0, 0, 0, sh)
		y, err := f.app.UploadFinalSummary(ctx, f.as["district"], app.FinalSummaryInput{OrgID: f.orgs["永红街道"].ID, Reader: strings.NewReader("scan")})
		if err != nil {
			t.Fatal(err)
		}
		if y, err = f.app.SignFinalSummary(ctx, f.as["yh_head"], y.ID); err != nil || *y.OnTime {
			t.Fatalf("late sign-off: %+v %v", y, err)
		}
		_, list, err := f.app.FinalSummaries(ctx, f.as["district"], 0, 0)
		if err != nil || len(list) != 9 {
			t.Fatalf("list: %v %v", list, err)
		}
		for _, s := range list {
			want := domain.FinalMissing
			if s.OrgName == "五星街道" || s.OrgName == "永红街道" {
				want = domain.FinalSigned
			}
			if s.Status != want {
				t.Fatalf("%s: %s, want %s", s.OrgName, s.Status, want)
			}
		}
		_, file, err := f.app.OpenFinalSummary(ctx, f.as["wx_officer"], x.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(file)
		file.Close()
		if !bytes.Equal(b, scan) {
			t.Fatalf("scan = %q", b)
		}
		_, _, err = f.app.OpenFinalSummary(ctx, f.as["yh_officer"], x.ID)
		wantErrCode(t, err, domain.ENOTFOUND)
	})
}
