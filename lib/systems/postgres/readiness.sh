#!/bin/sh
# The readiness probe of PostgreSQL: the server accepts connections to the database, asked as the owner (pg_isready
# sends no password, but the server logs an attempt for a role that does not exist).
pg_isready -U "$(cat __USER_FILE__)" -d "dbname=__DATABASE__" -h 127.0.0.1 -p 5432
