# shellcheck shell=sh
# What the image's /etc/cassandra/cassandra-env.sh does (Cassandra 5.0's documented startup contract, written for the
# real-servers suite, not copied), sourced by `cassandra` and, for the JMX port only, by `nodetool`:
#   - heap: MAX_HEAP_SIZE and HEAP_NEWSIZE from the environment; when neither is set, computed from the machine's RAM
#     and cores (max(min(ram/2, 1024M), min(ram/4, 8G)); young: min(100M per core, heap/4)); with the CMS collector
#     they must be set as a pair. -Xms and -Xmx = MAX_HEAP_SIZE (unless the options files set them); -Xmn =
#     HEAP_NEWSIZE only with CMS: G1 (jvm17-server.options' collector) sizes the young generation itself, so
#     HEAP_NEWSIZE has no effect there, and an -Xmn in the options files with G1 is refused;
#   - a rotating GC log in $CASSANDRA_LOG_DIR (default $CASSANDRA_HOME/logs);
#   - JMX on port 7199: with LOCAL_JMX=yes (the default) on localhost only, without authentication;
#   - MALLOC_ARENA_MAX=4, kill -9 on OutOfMemoryError, JVM_EXTRA_OPTS appended last.
calculate_heap_sizes() {
	memory_mb=$(free -m | awk '/:/ { print $2; exit }')
	cores=$(grep -c '^processor' /proc/cpuinfo)
	half=$((memory_mb / 2)); [ "$half" -gt 1024 ] && half=1024
	quarter=$((memory_mb / 4)); [ "$quarter" -gt 8192 ] && quarter=8192
	heap=$half; [ "$quarter" -gt "$heap" ] && heap=$quarter
	MAX_HEAP_SIZE=${heap}M
	young=$((heap / 4)); [ "$young" -gt $((cores * 100)) ] && young=$((cores * 100))
	HEAP_NEWSIZE=${young}M
}

: "${CASSANDRA_LOG_DIR:=$CASSANDRA_HOME/logs}"
case " $JVM_OPTS " in
	*" -Xlog:gc"*) ;;
	*) JVM_OPTS="$JVM_OPTS -Xlog:gc=info,heap*=trace,age*=debug,safepoint=info,promotion*=trace:file=$CASSANDRA_LOG_DIR/gc.log:time,uptime,pid,tid,level:filecount=10,filesize=10485760" ;;
esac

has() { case " $JVM_OPTS " in *" $1"*) return 0 ;; *) return 1 ;; esac; }
cms=no; has -XX:+UseConcMarkSweepGC && cms=yes
g1=no; has -XX:+UseG1GC && g1=yes

if [ -z "${MAX_HEAP_SIZE:-}" ] && { [ -z "${HEAP_NEWSIZE:-}" ] || [ $g1 = yes ]; }; then
	calculate_heap_sizes
elif [ -z "${MAX_HEAP_SIZE:-}" ] || { [ -z "${HEAP_NEWSIZE:-}" ] && [ $g1 = no ]; }; then
	echo 'please set or unset MAX_HEAP_SIZE and HEAP_NEWSIZE in pairs when using CMS GC (see cassandra-env.sh)'
	exit 1
fi
: "${MALLOC_ARENA_MAX:=4}"
export MALLOC_ARENA_MAX

if ! has -Xmx && ! has -Xms; then
	JVM_OPTS="$JVM_OPTS -Xms$MAX_HEAP_SIZE -Xmx$MAX_HEAP_SIZE"
elif ! has -Xmx || ! has -Xms; then
	echo 'Please set or unset -Xmx and -Xms flags in pairs on jvm-server.options file.'
	exit 1
fi
if has -Xmn && [ $g1 = yes ]; then
	echo 'It is not recommended to set -Xmn with the G1 garbage collector. See comments for -Xmn in jvm-server.options for details.'
	exit 1
elif ! has -Xmn && [ $cms = yes ]; then
	JVM_OPTS="$JVM_OPTS -Xmn$HEAP_NEWSIZE"
fi

# shellcheck disable=SC2034 # used by bin/cassandra, which sources this file
JVM_ON_OUT_OF_MEMORY_ERROR_OPT="-XX:OnOutOfMemoryError=kill -9 %p"

JMX_PORT=7199
: "${LOCAL_JMX:=yes}"
if [ "$LOCAL_JMX" = yes ]; then
	JVM_OPTS="$JVM_OPTS -Dcassandra.jmx.local.port=$JMX_PORT -Dcom.sun.management.jmxremote.authenticate=false"
else
	JVM_OPTS="$JVM_OPTS -Dcassandra.jmx.remote.port=$JMX_PORT -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT -Dcom.sun.management.jmxremote.authenticate=true"
	JVM_OPTS="$JVM_OPTS -Dcom.sun.management.jmxremote.password.file=/etc/cassandra/jmxremote.password"
fi
JVM_OPTS="$JVM_OPTS -Djava.library.path=$CASSANDRA_HOME/lib/sigar-bin ${JVM_EXTRA_OPTS:-}"
