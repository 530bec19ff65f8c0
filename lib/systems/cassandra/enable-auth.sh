#!/bin/sh
# Config init container, with -e: password authentication and role-based authorization in the image's cassandra.yaml,
# in either layout of the keys: `authenticator: AllowAllAuthenticator` (4.x) and, since 5.0, a block whose indented
# `class_name:` names the class. The node refuses to start when the file does not end up with those classes (another
# image layout): a node must never come up open because a sed matched nothing. effective() prints the class a key
# ends up with: the value on its line, or the class_name of its block.
sed -i -e 's/^authenticator:[[:space:]]*[^[:space:]#].*/authenticator: PasswordAuthenticator/' -e '/^authenticator:[[:space:]]*$/,/^[^[:space:]#]/s/^\([[:space:]][[:space:]]*class_name[[:space:]]*:\).*/\1 PasswordAuthenticator/' -e 's/^authorizer:[[:space:]]*[^[:space:]#].*/authorizer: CassandraAuthorizer/' -e '/^authorizer:[[:space:]]*$/,/^[^[:space:]#]/s/^\([[:space:]][[:space:]]*class_name[[:space:]]*:\).*/\1 CassandraAuthorizer/' __YAML__
effective() { awk -v k="$1:" 'index($0, k) == 1 { v = substr($0, length(k) + 1); b = 1; next } b && /^[ \t]+class_name[ \t]*:/ { sub(/^[ \t]+class_name[ \t]*:/, ""); v = $0; b = 0; next } /^[^ \t#]/ { b = 0 } END { gsub(/[ \t]/, "", v); print v }' "$2"; }
if [ "$(effective authenticator __YAML__)" != PasswordAuthenticator ] || [ "$(effective authorizer __YAML__)" != CassandraAuthorizer ]; then
  echo "__YAML__: no authenticator/authorizer to set; refusing to start without authentication" >&2
  exit 1
fi
