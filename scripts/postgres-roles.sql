-- Two roles for one Doudi database on PostgreSQL (docs/decisions/0010-audit-keyed-chain-and-anchors.md):
--   the owner, who owns the database, its schema and every table and runs the migrations;
--   the application, who connects for everything else and may only read and append audit events.
-- Neither is a superuser, so neither may SET session_replication_role to switch triggers off.
--
-- Run once, as a superuser:
--   psql -h HOST -U postgres -v db=doudi -v owner=doudi_owner -v app=doudi_app -f scripts/postgres-roles.sql
-- then give both roles passwords (ALTER ROLE doudi_owner PASSWORD '…'), and configure
--   DATABASE_URL=postgres://doudi_app:…@HOST:5432/doudi
--   DOUDI_MIGRATION_DATABASE_URL=postgres://doudi_owner:…@HOST:5432/doudi
-- `doudi migrate` then migrates as the owner and grants the application its privileges
-- (audit/roles.py); every later `doudi migrate` grants them again for new tables.

\set ON_ERROR_STOP on
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"db" OWNER :"owner";
\connect :"db"
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"owner", :"app";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
