# shellcheck shell=sh
# What the image's /opt/cassandra/bin/cassandra.in.sh sets up for `cassandra` and `nodetool` (Cassandra 5.0's
# documented startup contract, written for the real-servers suite, not copied): CASSANDRA_HOME and CASSANDRA_CONF,
# the classpath (the configuration directory, then every jar of lib/), the storage directory, the java of JAVA_HOME
# (Java 11 or 17 only), the jamm agent, and the JVM options of jvm<variant>.options and jvm17<variant>.options, where
# the variant is -server for the server and -clients for the tools.
: "${CASSANDRA_HOME:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CASSANDRA_CONF:=$CASSANDRA_HOME/conf}"
CLASSPATH=$CASSANDRA_CONF
for jar in "$CASSANDRA_HOME"/lib/*.jar; do
	CLASSPATH=$CLASSPATH:$jar
done
# shellcheck disable=SC2034 # read by the scripts that source this file
cassandra_storagedir=$CASSANDRA_HOME/data
JAVA_AGENT="${JAVA_AGENT:-} -javaagent:$CASSANDRA_HOME/lib/jamm-0.4.0.jar"

if [ -n "${JAVA_HOME:-}" ]; then
	JAVA=$JAVA_HOME/bin/java
else
	JAVA=$(command -v java)
fi
[ -x "$JAVA" ] || { echo 'Unable to find java executable. Check JAVA_HOME and PATH environment variables.' >&2; exit 1; }
JAVA_VERSION=$("$JAVA" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }')
case "$JAVA_VERSION" in
	11|17) ;;
	*) echo "Cassandra 5.0 requires Java 11 or Java 17 (found $JAVA_VERSION)." >&2; exit 1 ;;
esac

variant=${jvmoptions_variant:--clients}
for file in "$CASSANDRA_CONF/jvm$variant.options" "$CASSANDRA_CONF/jvm$JAVA_VERSION$variant.options"; do
	[ -f "$file" ] || continue
	# One option per word, as Cassandra's own script reads these files.
	# shellcheck disable=SC2013
	for opt in $(grep '^-' "$file"); do
		JVM_OPTS="${JVM_OPTS:-} $opt"
	done
done
