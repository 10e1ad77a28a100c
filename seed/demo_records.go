package seed

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// demoRecords adds the demo's sites, inspections and cases. Each issue
// extends it with its own records.
func demoRecords(ctx context.Context, db *store.DB, camp *domain.Campaign, users *demoUserSet) error {
	return nil
}
