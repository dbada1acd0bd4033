/// One step of the schema. Statements are plain SQL that SQLite and PostgreSQL both accept, so
/// both backends run exactly the same schema: TEXT ids and dates (`YYYY-MM-DD`, ISO timestamps),
/// INTEGER numbers and flags.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "imports, people and snapshots", statements: [
            """
            CREATE TABLE imports (
                id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                uai TEXT NOT NULL,
                source TEXT NOT NULL,
                school_year INTEGER,
                export_date TEXT,
                format_version TEXT,
                file_name TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                imported_at TEXT NOT NULL,
                record_count INTEGER NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX imports_seq ON imports (seq)",
            "CREATE INDEX imports_school_source ON imports (uai, source, seq)",
            """
            CREATE TABLE persons (
                id TEXT PRIMARY KEY,
                uai TEXT NOT NULL,
                source TEXT NOT NULL,
                source_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                ine TEXT,
                family_name TEXT NOT NULL,
                usage_name TEXT,
                first_name TEXT NOT NULL,
                birth_date TEXT,
                first_import TEXT NOT NULL,
                last_import TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX persons_source_id ON persons (uai, source, source_id)",
            "CREATE UNIQUE INDEX persons_ine ON persons (uai, ine) WHERE ine IS NOT NULL",
            """
            CREATE TABLE snapshot_people (
                import_id TEXT NOT NULL REFERENCES imports (id),
                person_id TEXT NOT NULL REFERENCES persons (id),
                kind TEXT NOT NULL,
                source_id TEXT NOT NULL,
                family_name TEXT NOT NULL,
                usage_name TEXT,
                first_name TEXT NOT NULL,
                division TEXT,
                has_left INTEGER NOT NULL,
                entry_date TEXT,
                leaving_date TEXT,
                mef TEXT,
                function TEXT,
                email TEXT,
                line INTEGER NOT NULL,
                PRIMARY KEY (import_id, person_id)
            )
            """,
            """
            CREATE TABLE snapshot_memberships (
                import_id TEXT NOT NULL REFERENCES imports (id),
                person_id TEXT NOT NULL REFERENCES persons (id),
                structure_code TEXT NOT NULL,
                structure_kind TEXT NOT NULL,
                PRIMARY KEY (import_id, person_id, structure_kind, structure_code)
            )
            """,
            """
            CREATE TABLE snapshot_structures (
                import_id TEXT NOT NULL REFERENCES imports (id),
                code TEXT NOT NULL,
                kind TEXT NOT NULL,
                label TEXT,
                divisions TEXT NOT NULL,
                PRIMARY KEY (import_id, kind, code)
            )
            """,
            """
            CREATE TABLE snapshot_subjects (
                import_id TEXT NOT NULL REFERENCES imports (id),
                code TEXT NOT NULL,
                management_code TEXT,
                short_label TEXT,
                long_label TEXT,
                PRIMARY KEY (import_id, code)
            )
            """,
            """
            CREATE TABLE snapshot_services (
                import_id TEXT NOT NULL REFERENCES imports (id),
                structure_code TEXT NOT NULL,
                structure_kind TEXT NOT NULL,
                subject_code TEXT NOT NULL,
                course_mode TEXT,
                teacher_id TEXT NOT NULL REFERENCES persons (id)
            )
            """,
            "CREATE INDEX snapshot_services_import ON snapshot_services (import_id)",
            """
            CREATE TABLE snapshot_guardians (
                import_id TEXT NOT NULL REFERENCES imports (id),
                parent_id TEXT NOT NULL REFERENCES persons (id),
                student_source_id TEXT NOT NULL,
                relation_code TEXT,
                legal_level TEXT
            )
            """,
            "CREATE INDEX snapshot_guardians_import ON snapshot_guardians (import_id)",
            """
            CREATE TABLE import_notices (
                import_id TEXT NOT NULL REFERENCES imports (id),
                code TEXT NOT NULL,
                french TEXT NOT NULL,
                english TEXT NOT NULL,
                file TEXT,
                line INTEGER
            )
            """,
        ]),
        Migration(version: 2, name: "embedded directory and plans", statements: [
            """
            CREATE TABLE accounts (
                person_id TEXT PRIMARY KEY REFERENCES persons (id),
                uai TEXT NOT NULL,
                kind TEXT NOT NULL,
                login TEXT NOT NULL,
                ent_login TEXT NOT NULL,
                family_name TEXT NOT NULL,
                usage_name TEXT,
                first_name TEXT NOT NULL,
                status TEXT NOT NULL,
                status_since TEXT NOT NULL,
                protected INTEGER NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX accounts_login ON accounts (uai, login)",
            "CREATE TABLE directory_groups (uai TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (uai, name))",
            """
            CREATE TABLE directory_members (
                uai TEXT NOT NULL, group_name TEXT NOT NULL, login TEXT NOT NULL, PRIMARY KEY (uai, group_name, login))
            """,
            "CREATE TABLE burnt_logins (uai TEXT NOT NULL, login TEXT NOT NULL, PRIMARY KEY (uai, login))",
            """
            CREATE TABLE plans (
                hash TEXT PRIMARY KEY,
                uai TEXT NOT NULL,
                plan_date TEXT NOT NULL,
                created_at TEXT NOT NULL,
                body TEXT NOT NULL,
                applied_at TEXT
            )
            """,
        ]),
        Migration(version: 3, name: "credentials", statements: [
            """
            CREATE TABLE credentials (
                person_id TEXT PRIMARY KEY REFERENCES persons (id),
                uai TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                must_change INTEGER NOT NULL,
                issued_on TEXT NOT NULL,
                sealed_temporary TEXT,
                handed_out_on TEXT
            )
            """,
        ]),
        Migration(version: 4, name: "audit log and approved departures", statements: [
            """
            CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                uai TEXT NOT NULL,
                event TEXT NOT NULL,
                target TEXT,
                detail_fr TEXT NOT NULL,
                detail_en TEXT NOT NULL,
                plan_hash TEXT
            )
            """,
            "CREATE INDEX audit_log_school ON audit_log (uai, seq)",
            """
            CREATE TABLE departure_approvals (
                person_id TEXT PRIMARY KEY REFERENCES persons (id),
                uai TEXT NOT NULL,
                approved_on TEXT NOT NULL,
                approved_by TEXT NOT NULL
            )
            """,
        ]),
        Migration(version: 5, name: "real directory: POSIX numbers, written entries, journal, directory password hashes", statements: [
            // The temporary password's hash in the directory's own scheme ({CRYPT}), until it is there.
            "ALTER TABLE credentials ADD COLUMN directory_hash TEXT",
            // uidNumber and gidNumber, one number space for every school, never given twice.
            "CREATE TABLE posix_ids (uai TEXT NOT NULL, entry_key TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (uai, entry_key))",
            "CREATE UNIQUE INDEX posix_ids_number ON posix_ids (number)",
            // What Bascule last wrote on each of its entries: a change made by hand is told from a plan's.
            """
            CREATE TABLE directory_entries (
                uai TEXT NOT NULL, target TEXT NOT NULL, entry_key TEXT NOT NULL, dn TEXT NOT NULL, attributes TEXT NOT NULL,
                PRIMARY KEY (uai, target, entry_key))
            """,
            // Each operation on a directory, recorded before it runs and when it ends.
            """
            CREATE TABLE directory_journal (
                seq INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL,
                uai TEXT NOT NULL,
                target TEXT NOT NULL,
                kind TEXT NOT NULL,
                dn TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                error TEXT
            )
            """,
            "CREATE INDEX directory_journal_school ON directory_journal (uai, target, seq)",
        ]),
        // 5 and 6 were written side by side; `Store.migrate` runs every version a database lacks,
        // in order, so a database made at 6 before 5 existed still gets 5.
        Migration(version: 6, name: "dated burnt logins, declined renames, delegated rights", statements: [
            // NULL for the logins burnt before: they stay burnt for good.
            "ALTER TABLE burnt_logins ADD COLUMN burnt_on TEXT",
            // A deleted account keeps its row and its login; once the login's burning is over it
            // may be given again, so only accounts not deleted need distinct logins.
            "DROP INDEX accounts_login",
            "CREATE UNIQUE INDEX accounts_live_login ON accounts (uai, login) WHERE status <> 'deleted'",
            """
            CREATE TABLE declined_renames (
                person_id TEXT PRIMARY KEY REFERENCES persons (id),
                uai TEXT NOT NULL,
                family_name TEXT NOT NULL,
                usage_name TEXT,
                first_name TEXT NOT NULL,
                kept_login TEXT NOT NULL,
                proposed_login TEXT NOT NULL,
                declined_on TEXT NOT NULL,
                declined_by TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE school_rights (
                uai TEXT NOT NULL,
                person_id TEXT NOT NULL REFERENCES persons (id),
                school_right TEXT NOT NULL,
                granted_by TEXT NOT NULL,
                granted_on TEXT NOT NULL,
                PRIMARY KEY (uai, person_id, school_right)
            )
            """,
        ]),
        // 8 (file spaces) was written side by side with this one.
        Migration(version: 7, name: "access closures lifted early", statements: [
            """
            CREATE TABLE access_liftings (
                uai TEXT NOT NULL,
                school_year TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                role TEXT NOT NULL,
                lifted_from TEXT NOT NULL,
                lifted_by TEXT NOT NULL,
                lifted_as TEXT NOT NULL,
                PRIMARY KEY (uai, school_year, entry_id, role)
            )
            """,
        ]),
        // Written side by side with 7 (access closures).
        Migration(version: 8, name: "file spaces: spaces created, archives, clean-ups done", statements: [
            // The folders Bascule created: what makes a folder Bascule's (anything else is reported,
            // never touched). `moving_from` is set while a renamed login's folder is being moved.
            """
            CREATE TABLE spaces (
                uai TEXT NOT NULL,
                space_key TEXT NOT NULL,
                path TEXT NOT NULL,
                moving_from TEXT,
                created_on TEXT NOT NULL,
                PRIMARY KEY (uai, space_key)
            )
            """,
            // Every archive made of a space, until it is purged after its retention.
            """
            CREATE TABLE space_archives (
                id TEXT PRIMARY KEY,
                uai TEXT NOT NULL,
                space_key TEXT NOT NULL,
                space_path TEXT NOT NULL,
                reason TEXT NOT NULL,
                archive_path TEXT NOT NULL,
                manifest_path TEXT NOT NULL,
                manifest_sha256 TEXT NOT NULL,
                file_count INTEGER NOT NULL,
                byte_count INTEGER NOT NULL,
                created_on TEXT NOT NULL,
                purge_on TEXT NOT NULL,
                purged_on TEXT
            )
            """,
            "CREATE INDEX space_archives_school ON space_archives (uai, purge_on)",
            // A calendar window's clean-up, done once per school and school year.
            """
            CREATE TABLE space_cleanups (
                uai TEXT NOT NULL,
                calendar_entry TEXT NOT NULL,
                school_year TEXT NOT NULL,
                done_on TEXT NOT NULL,
                PRIMARY KEY (uai, calendar_entry, school_year)
            )
            """,
        ]),
        // A space's creation is audited in the same transaction that records it, before the folder
        // is made; `creating` stays set until the folder is seen made, so that a run killed in
        // between is finished by the next without a second audit entry.
        Migration(version: 9, name: "file spaces: creation audited with its record", statements: [
            "ALTER TABLE spaces ADD COLUMN creating INTEGER NOT NULL DEFAULT 0",
        ]),
        // The day an import acted as of (`import --date`), which a departure's settling period
        // counts from; before, only the wall-clock time was kept, whose day stands in for it.
        Migration(version: 10, name: "imports: the day each acted as of", statements: [
            "ALTER TABLE imports ADD COLUMN imported_on TEXT",
            "UPDATE imports SET imported_on = substr(imported_at, 1, 10)",
        ]),
        // The day each audit entry acted as of, which its retention counts from (the timestamp
        // says when it happened).
        Migration(version: 11, name: "audit log: the day each entry acted as of", statements: [
            "ALTER TABLE audit_log ADD COLUMN day TEXT",
            "UPDATE audit_log SET day = substr(at, 1, 10)",
        ]),
        // The daily run: one row per school and day (a day done is never run twice), and the
        // to-dos it leaves for people, open until a run no longer finds their cause.
        Migration(version: 12, name: "daily runs and to-dos", statements: [
            """
            CREATE TABLE daily_runs (
                uai TEXT NOT NULL,
                day TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                summary TEXT,
                PRIMARY KEY (uai, day)
            )
            """,
            """
            CREATE TABLE todos (
                id INTEGER PRIMARY KEY,
                uai TEXT NOT NULL,
                kind TEXT NOT NULL,
                role TEXT NOT NULL,
                detail_fr TEXT NOT NULL,
                detail_en TEXT NOT NULL,
                opened_on TEXT NOT NULL,
                closed_on TEXT
            )
            """,
            "CREATE INDEX todos_open ON todos (uai, closed_on)",
        ]),
        // The daily service: a held plan's hash on its to-do and the confirmations people give
        // (applied once, by the next run, for that plan only); the addresses staff are told at;
        // each day's e-mail digest per recipient, recorded before it is sent so that none goes
        // twice.
        Migration(version: 13, name: "held plans confirmed, contact addresses, e-mail digests", statements: [
            "ALTER TABLE todos ADD COLUMN plan_hash TEXT",
            """
            CREATE TABLE plan_confirmations (
                todo_id INTEGER NOT NULL,
                uai TEXT NOT NULL,
                plan_hash TEXT NOT NULL,
                confirmed_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                confirmed_on TEXT NOT NULL,
                confirmed_at TEXT NOT NULL,
                applied_on TEXT,
                PRIMARY KEY (todo_id, plan_hash)
            )
            """,
            """
            CREATE TABLE contact_addresses (
                uai TEXT NOT NULL,
                person_id TEXT NOT NULL,
                address TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_on TEXT NOT NULL,
                PRIMARY KEY (uai, person_id)
            )
            """,
            """
            CREATE TABLE mail_digests (
                day TEXT NOT NULL,
                recipient TEXT NOT NULL,
                state TEXT NOT NULL,
                todo_ids TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                PRIMARY KEY (day, recipient)
            )
            """,
        ]),
        // The service (`bascule serve`): the department's administrators (a PBKDF2 hash, like the
        // credentials), the sessions of people logged in (the cookie's SHA-256 only: reading the
        // store gives no session), and the API tokens (SHA-256 too, revocable).
        Migration(version: 14, name: "service: department administrators, sessions, API tokens", statements: [
            """
            CREATE TABLE department_admins (
                login TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                login TEXT NOT NULL,
                uai TEXT,
                csrf TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX sessions_expiry ON sessions (expires_at)",
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                schools TEXT NOT NULL,
                token_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at TEXT
            )
            """,
            "CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash)",
        ]),
        // A person's session names the person, not only their login: a login given to someone
        // else (after its years burnt) never carries a session over. And whether it was opened
        // with a temporary password, which must be changed before anything else.
        Migration(version: 15, name: "sessions: the person, opened with a temporary password", statements: [
            "ALTER TABLE sessions ADD COLUMN person_id TEXT",
            "ALTER TABLE sessions ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0",
        ]),
    ]

    static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// The migrations a database that has `applied` still needs, oldest first: gaps included, so
    /// that migrations written in parallel branches all run whatever order they were merged in.
    static func pending(applied: Set<Int>, in migrations: [Migration] = all) -> [Migration] {
        migrations.filter { !applied.contains($0.version) }.sorted { $0.version < $1.version }
    }
}
