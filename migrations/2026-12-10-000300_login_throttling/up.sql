-- Login throttling. Failed logins are counted per e-mail address, whether an account has it or
-- not, so an unknown address locks exactly like an account (3 failures: 5 minutes) and the answer
-- tells nobody which addresses are registered. Failures (logins, registrations on a taken
-- address) are also counted per client address in fixed windows.
CREATE TABLE login_lockouts (
    email text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    last_failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE client_failures (
    -- An IPv4 address, or the /64 network of an IPv6 one.
    client text PRIMARY KEY,
    failures integer NOT NULL,
    window_started_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO login_lockouts (email, failures, locked_until)
    SELECT email, failed_logins, locked_until FROM users
    WHERE failed_logins > 0 OR locked_until > now();

ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;
