#!/bin/sh
# Squash TM's init container: wait for the database instead of crash-looping into a long back-off (up to five
# minutes between restarts). pg_isready sends no password, but the server logs every connection attempt for a role
# that does not exist: it asks as Squash's own database user, read from the credentials Secret (the user name only
# is mounted).
until pg_isready -h __HOST__ -p __PORT__ -d "dbname=__DATABASE__" -U "$(cat __USER_FILE__)" -t 5; do echo "waiting for __HOST__:__PORT__"; sleep 5; done
