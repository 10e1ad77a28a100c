package forms

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestLibreOffice_OpensBothForms converts both forms to PDF with
// LibreOffice, a real client none of us wrote (DESIGN.md §3). Set
// ZHENGZHI_REQUIRE_LIBREOFFICE=1 to make a missing soffice a failure, and
// ZHENGZHI_FORMS_PDF_DIR to keep the PDFs for a look.
func TestLibreOffice_OpensBothForms(t *testing.T) {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("ZHENGZHI_REQUIRE_LIBREOFFICE") == "1" {
			t.Fatal("soffice/libreoffice not on PATH and ZHENGZHI_REQUIRE_LIBREOFFICE=1")
		}
		t.Skip("soffice/libreoffice not on PATH: LibreOffice check skipped (install libreoffice-calc-nogui; set ZHENGZHI_REQUIRE_LIBREOFFICE=1 to require it)")
	}
	dir := t.TempDir()
	inputs := map[string][]byte{
		"att1.xlsx": writeAtt1(t, sampleCases()),
		"att2.xlsx": writeAtt2(t, sampleSummary()),
	}
	for name, b := range inputs {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "pdf")
	home := filepath.Join(dir, "home") // a fresh profile: no user settings, no lock clash
	for name := range inputs {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore",
			"-env:UserInstallation=file://"+home, "--convert-to", "pdf", "--outdir", out,
			filepath.Join(dir, name))
		cmd.Env = append(os.Environ(), "HOME="+home)
		msg, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("soffice convert %s: %v\n%s", name, err, msg)
		}
		pdf := filepath.Join(out, name[:len(name)-len(".xlsx")]+".pdf")
		st, err := os.Stat(pdf)
		if err != nil || st.Size() == 0 {
			t.Fatalf("soffice made no PDF for %s (%v)\n%s", name, err, msg)
		}
		if keep := os.Getenv("ZHENGZHI_FORMS_PDF_DIR"); keep != "" {
			b, err := os.ReadFile(pdf)
			if err == nil {
				err = os.WriteFile(filepath.Join(keep, filepath.Base(pdf)), b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
