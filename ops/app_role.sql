-- The application's database role: it reads and writes rows, and nothing more. The tables
-- belong to the migration role (portal_owner), so the application cannot ALTER, DROP or
-- TRUNCATE them, nor disable the audit log's triggers; the audit log is also out of reach
-- of UPDATE and DELETE. Run in the portal's database as portal_owner, once after the first
-- `migrate` (default privileges cover the tables later migrations create).
-- docs/operations.md: "Database roles"; tests/reviews/test_audit_database_role.py runs it.

GRANT USAGE ON SCHEMA public TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
-- The audit log is append-only: the application may add and read events, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE ON reviews_auditevent FROM portal_app;
