"""A CQL client that writes and reads one row at a time at QUORUM until told to stop, for the real-servers suite's
rolling restart of a Cassandra ring: it runs in a client pod with the image's cqlsh (whose cassandra-driver it uses),
and prints one JSON line per operation that failed, and a summary at the end.

    python3 cassandra-loop.py <contact point>[,<contact point>...] <user> <password file> <stop file>
"""
import json
import os
import sys
import time

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import RoundRobinPolicy

hosts, user, password_file, stop_file = sys.argv[1].split(','), sys.argv[2], sys.argv[3], sys.argv[4]
profile = ExecutionProfile(consistency_level=ConsistencyLevel.QUORUM, request_timeout=10, load_balancing_policy=RoundRobinPolicy())
cluster = Cluster(hosts, auth_provider=PlainTextAuthProvider(user, open(password_file).read().strip()),
                  execution_profiles={EXEC_PROFILE_DEFAULT: profile}, protocol_version=5)
session = cluster.connect()
write = session.prepare('INSERT INTO restart.t (id, v) VALUES (?, ?)')
read = session.prepare('SELECT v FROM restart.t WHERE id = ?')
# Both are safe to retry on another node (the driver retries only idempotent statements when a connection drops).
write.is_idempotent = True
read.is_idempotent = True
ok = failed = 0
i = 0
while not os.path.exists(stop_file):
    i += 1
    for name, run in (('write', lambda: session.execute(write, (i, 'v%d' % i))),
                      ('read', lambda: session.execute(read, (i,)).one())):
        try:
            row = run()
            if name == 'read' and (row is None or row.v != 'v%d' % i):
                raise RuntimeError('read back %r' % (row,))
            ok += 1
        except Exception as e:  # every failure is reported, none retried
            failed += 1
            print(json.dumps({'at': time.time(), 'op': name, 'id': i, 'error': '%s: %s' % (type(e).__name__, e)}), flush=True)
    time.sleep(0.2)
print(json.dumps({'summary': True, 'ok': ok, 'failed': failed, 'rows': i}), flush=True)
cluster.shutdown()
