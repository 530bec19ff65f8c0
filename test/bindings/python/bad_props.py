# Bad props from Python: the exception that reaches Python carries our validation message (construct path, prop,
# rule, value received), as PropValidationError's does in TypeScript. Run by `npm run test:bindings`.
from cdk8s import App, Chart

import cdk8s_stateful_constructs as s

CASES = [
    # (what is built, what the message must contain)
    (lambda c: s.ConsulCluster(c, "consul", replicas=2),
     ['bad/consul: invalid props', 'prop "replicas" must be an odd integer', "got 2"]),
    (lambda c: s.CassandraRing(c, "cassandra", replicas=3, seed_count=5),
     ["bad/cassandra: invalid props", 'prop "seedCount"', "got 5"]),
    (lambda c: s.PostgresWithSecrets(c, "postgres", database="Squash TM",
                                     credentials=s.Credentials.from_existing_secret("pg")),
     ["bad/postgres: invalid props", 'prop "database"', '"Squash TM"']),
]

failures = 0
for build, expected in CASES:
    chart = Chart(App(), "bad")
    try:
        build(chart)
    except RuntimeError as e:
        message = str(e)
        missing = [part for part in expected if part not in message]
        if missing:
            failures += 1
            print(f"bad_props: FAIL: message lacks {missing}:\n{message}")
        else:
            print(f"bad_props: {type(e).__module__}.{type(e).__name__}: {message.splitlines()[0]} / {message.splitlines()[1].strip()}")
    else:
        failures += 1
        print(f"bad_props: FAIL: no exception for {expected[1]}")
raise SystemExit(1 if failures else 0)
