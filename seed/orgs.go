// Package seed creates what a fresh store needs: the Zhonglou org tree, the
// admin user, and (with --demo) a realistic demo campaign.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// The org tree of 钟楼区, copied from the reference data: the product must
// not read anything outside its own files at run time.
//
//go:embed zhonglou-divisions.csv
var divisionsCSV []byte

// DevZonePrefix numbers the cases of 钟楼经济开发区, which has no official code.
const DevZonePrefix = "320404K01"

// OrgTree parses the embedded division list.
func OrgTree() ([]app.OrgSeed, error) {
	r := csv.NewReader(bytes.NewReader(divisionsCSV))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("divisions: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var out []app.OrgSeed
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("divisions: %w", err)
		}
		s := app.OrgSeed{Code: rec[col["code"]], Name: rec[col["name"]],
			Kind: domain.OrgKind(rec[col["kind"]]), ParentCode: rec[col["parent_code"]]}
		if s.Kind == domain.KindDevZone && s.Code == "" {
			s.Prefix = DevZonePrefix
		}
		out = append(out, s)
	}
	return out, nil
}

// Bootstrap prepares an empty store: the org tree and the admin user. It
// returns true when it created the admin (so the caller can print the
// password once). On a store that already has data it does nothing.
func Bootstrap(ctx context.Context, db *app.App, adminPassword string) (bool, error) {
	n, err := db.OrgCount(ctx)
	if err != nil {
		return false, err
	}
	if n == 0 {
		tree, err := OrgTree()
		if err != nil {
			return false, err
		}
		if err := db.SeedOrgs(ctx, tree); err != nil {
			return false, fmt.Errorf("seed org tree: %w", err)
		}
	}
	return db.EnsureAdmin(ctx, adminPassword)
}
