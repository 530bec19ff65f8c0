#!/bin/sh
# Config init container of a ring with TLS, with -e: the image's client_encryption_options and
# server_encryption_options blocks (each a top-level key and its indented lines, comments included) are removed from
# cassandra.yaml and this ring's are appended, read by Cassandra 5.0's PEMBasedSslContextFactory: the keystore is ONE
# PEM file, the PKCS#8 private key then the certificate chain (cert-manager's CombinedPEM output, tls-combined.pem),
# the truststore the CA bundle. CQL clients: TLS on 9042, no client certificates (PasswordAuthenticator logs them in).
# Between nodes: mutual TLS on 7000 (internode_encryption: all, require_client_auth: true): a peer must present a
# certificate of the CA. Not its name: Cassandra connects to peers' IP addresses, which no certificate names
# (require_endpoint_verification stays false). `optional` is written for both: false refuses plaintext, true accepts
# both (unset, Cassandra derives it). The image's entrypoint edits other keys of this file afterwards, line by line.
# The node refuses to start when the file does not end up with exactly one of each block.
awk '/^(client|server)_encryption_options:/ { skip = 1; next } skip && /^([ \t]|$)/ { next } { skip = 0; print }' __YAML__ > __YAML__.tls
cat >> __YAML__.tls <<'TLS'
client_encryption_options:
  enabled: true
  optional: __CLIENT_OPTIONAL__
  ssl_context_factory:
    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory
  keystore: __KEYSTORE__
  truststore: __TRUSTSTORE__
  require_client_auth: false
server_encryption_options:
  internode_encryption: all
  optional: __INTERNODE_OPTIONAL__
  legacy_ssl_storage_port_enabled: false
  ssl_context_factory:
    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory
  keystore: __KEYSTORE__
  truststore: __TRUSTSTORE__
  require_client_auth: true
  require_endpoint_verification: false
TLS
mv __YAML__.tls __YAML__
if [ "$(grep -c '^client_encryption_options:' __YAML__)" != 1 ] || [ "$(grep -c '^server_encryption_options:' __YAML__)" != 1 ]; then
  echo "__YAML__: not exactly one client_encryption_options and one server_encryption_options block; refusing to start" >&2
  exit 1
fi
