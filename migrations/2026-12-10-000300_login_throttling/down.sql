ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
                  ADD COLUMN locked_until timestamptz;
UPDATE users u SET failed_logins = l.failures, locked_until = l.locked_until
    FROM login_lockouts l WHERE l.email = u.email;
DROP TABLE client_failures;
DROP TABLE login_lockouts;
