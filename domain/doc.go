// Package domain holds zhengzhi's nouns and rules: org units, users and roles,
// campaigns, sites, inspections, cases (问题) and their life cycle, the 附件2
// aggregation, weekly-report deadlines and the authorization policy.
//
// It is plain Go: no SQL, no HTTP, no XLSX and no wall clock. Storage, forms,
// web and CLI are adapters around it (DESIGN.md §6).
package domain
