#!/usr/bin/env bash
# Runs a single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM) on loopback and prints
# `KAFKA_BROKERS=127.0.0.1:<port>`, the only line on stdout.
#
# The broker jars and their runtime dependencies come from Maven Central through Maven into
# $LIMITEDCART_CACHE/kafka/<version>/libs, fetched once; the storage is formatted once under
# $LIMITEDCART_STATE/kafka/<port>. A broker that already answers on the port is reused.
#
#   bash scripts/services/kafka.sh          start (or reuse) the broker
#   bash scripts/services/kafka.sh stop     stop the broker this script started
#
# Settings: LIMITEDCART_KAFKA_VERSION (4.4.0), LIMITEDCART_KAFKA_PORT (9092), LIMITEDCART_KAFKA_CONTROLLER_PORT
# (port + 1), LIMITEDCART_KAFKA_HEAP (512m), LIMITEDCART_KAFKA_JVM_OPTS (C1 compiler, serial GC).
set -euo pipefail
source "$(dirname "$0")/common.sh"

version="${LIMITEDCART_KAFKA_VERSION:-4.4.0}"
port="${LIMITEDCART_KAFKA_PORT:-9092}"
controller_port="${LIMITEDCART_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
heap="${LIMITEDCART_KAFKA_HEAP:-512m}"
# A test broker on a 2-core machine: the client compiler and the serial collector halve the CPU the JVM burns
# while starting (about 4 s instead of 9 s of CPU time), and the load tests put on it is far below what C1 serves.
jvm_opts="${LIMITEDCART_KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
log4j_version=2.26.1
slf4j_version=2.0.17

home="$LIMITEDCART_CACHE/kafka/$version"
libs="$home/libs"
state="$LIMITEDCART_STATE/kafka/$port"
log_file="$LIMITEDCART_CACHE/logs/kafka.log"
pid_file="$state/kafka.pid"
bootstrap="127.0.0.1:$port"

log() { echo "kafka: $*" >&2; }
# The broker this script started, if it still runs: a stale pid file (machine restarted, process killed) may
# name a pid that now belongs to something else, so the command line is checked too.
our_broker_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $state/server.properties" || return 1
  echo "$pid"
}

if [ "${1:-start}" = stop ]; then
  if pid="$(our_broker_pid)"; then
    kill "$pid"
    wait_for "kafka to stop" 60 bash -c "! kill -0 $pid"
    log "stopped"
  fi
  rm -f "$pid_file"
  exit 0
fi

command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null || apt_install maven

# The broker jars, the log4j2 backend Kafka's slf4j logging binds to, and a current slf4j-api (the broker's
# dependency tree resolves to 1.7, which cannot see an slf4j 2 provider).
fetch_libs() {
  [ -f "$home/libs.ok" ] && return 0
  log "fetching org.apache.kafka:kafka_2.13:$version and its runtime dependencies with Maven"
  mkdir -p "$home"
  cat > "$home/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>limitedcart.local</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>$version</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$log4j_version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$log4j_version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$slf4j_version</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$libs"
  # Maven's console colouring ignores batch mode under -q; strip the escapes it leaves on stderr.
  mvn -B -q -f "$home/pom.xml" -Dmaven.repo.local="$LIMITEDCART_CACHE/maven" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  touch "$home/libs.ok"
}

# A readiness probe that goes through the real protocol (cluster metadata and a topic listing), compiled once.
build_probe() {
  [ -f "$home/probe/KafkaReady.class" ] && return 0
  mkdir -p "$home/probe"
  cat > "$home/probe/KafkaReady.java" <<'JAVA'
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Exits 0 when the broker at args[0] serves metadata and lists topics. */
public class KafkaReady {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) System.exit(1);
      admin.listTopics().names().get(5, TimeUnit.SECONDS);
    }
  }
}
JAVA
  javac -cp "$libs/*" -d "$home/probe" "$home/probe/KafkaReady.java" >&2
}

write_config() {
  mkdir -p "$state/data"
  cat > "$state/log4j2.properties" <<'LOG4J'
# Warnings only, plus the lines that say the server started or stopped.
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
LOG4J
  cat > "$state/server.properties" <<PROPS
# Single node: one JVM is both the KRaft controller and the broker; loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
auto.create.topics.enable=true
num.partitions=1
# Internal topics cannot have more replicas than there are brokers.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join consumer groups constantly; the default 3 s delay before the first rebalance only slows them.
group.initial.rebalance.delay.ms=0
PROPS
}

java_cmd() { java -Dlog4j2.configurationFile="$state/log4j2.properties" -cp "$libs/*" "$@"; }
probe() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.level=OFF -cp "$home/probe:$libs/*" KafkaReady "$bootstrap" >/dev/null 2>&1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

fetch_libs
build_probe
write_config

if port_open && probe; then
  log "reusing the broker on $bootstrap"
  echo "KAFKA_BROKERS=$bootstrap"
  exit 0
fi

running=""
if running="$(our_broker_pid)"; then
  log "broker process $running is starting; waiting for it"
fi

if [ -z "$running" ]; then
  if port_open; then
    log "port $port is taken by something that does not answer as a Kafka broker"
    exit 1
  fi
  if [ ! -f "$state/data/meta.properties" ]; then
    cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid 2>/dev/null)"
    log "formatting storage in $state/data (cluster $cluster_id)"
    java_cmd kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$state/server.properties" >&2
  fi
  log "starting the broker on $bootstrap (log: $log_file)"
  # Detached from this script: stdin/stdout/stderr redirected so a caller reading our stdout through a pipe
  # is not held open by the broker, and setsid so the broker outlives the caller's process group.
  echo "[$(date -u '+%F %T')] starting kafka $version on $bootstrap" >> "$log_file"
  # shellcheck disable=SC2086 # jvm_opts is a list of options
  setsid java -Xms256m -Xmx"$heap" $jvm_opts -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$state/log4j2.properties" \
    -cp "$libs/*" kafka.Kafka "$state/server.properties" </dev/null >>"$log_file" 2>&1 &
  running=$!
  echo "$running" > "$pid_file"
fi

broker_up() {
  if ! kill -0 "$running" 2>/dev/null; then
    log "the broker exited during start-up; last lines of $log_file:"
    tail -n 30 "$log_file" >&2
    exit 1
  fi
  port_open && probe
}
deadline=$((SECONDS + 90))
until broker_up; do
  if ((SECONDS >= deadline)); then log "not ready after 90s; see $log_file"; exit 1; fi
  sleep 0.5
done
log "ready on $bootstrap"
echo "KAFKA_BROKERS=$bootstrap"
