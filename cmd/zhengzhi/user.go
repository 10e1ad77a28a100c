package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"zhengzhi/app"
	"zhengzhi/domain"
)

const userUsage = `usage:
  zhengzhi user add --username U --password P --name NAME --role ROLE --org ORG_CODE_OR_ID
  zhengzhi user passwd --username U --password P
  zhengzhi user disable --username U`

// runUser manages users from the shell, acting as the system (admin rights);
// every change is audited like one made in the browser.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &exitError{code: 2, msg: userUsage}
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	username := fs.String("username", "", "username")
	password := fs.String("password", "", "password (8+ characters)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "role: grid, village_head, town_officer, town_head, district_office, supervisor, discipline, department, admin")
	org := fs.String("org", "", "org unit: 12-digit code or id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), domain.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(db)
	sys, err := svc.SystemActor(ctx)
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		o, err := svc.OrgByCode(ctx, *org)
		if err != nil {
			id, perr := strconv.ParseInt(*org, 10, 64)
			if perr != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("user add: org %q not found", *org)}
			}
			if o, err = svc.Org(ctx, id); err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("user add: org %q not found", *org)}
			}
		}
		u, err := svc.CreateUser(ctx, sys, app.UserInput{Username: *username, Password: *password, DisplayName: *name, Role: domain.Role(*role), OrgID: o.ID})
		if err != nil {
			return cliError("user add", err)
		}
		fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
	case "passwd", "disable":
		id, err := svc.UserIDByName(ctx, *username)
		if err != nil {
			return cliError("user "+args[0], err)
		}
		if args[0] == "passwd" {
			err = svc.ResetPassword(ctx, sys, id, *password)
		} else {
			err = svc.SetUserActive(ctx, sys, id, false)
		}
		if err != nil {
			return cliError("user "+args[0], err)
		}
		fmt.Fprintf(stdout, "user %s updated\n", *username)
	default:
		return &exitError{code: 2, msg: userUsage}
	}
	return nil
}

// cliError turns a domain error into one actionable line and exit code 1.
func cliError(cmd string, err error) error {
	if domain.ErrorCode(err) == domain.EINTERNAL {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	msg := domain.ErrorMessage(err)
	if f := domain.ErrorField(err); f != "" {
		msg = f + ": " + msg
	}
	return &exitError{code: 1, msg: cmd + ": " + msg}
}
