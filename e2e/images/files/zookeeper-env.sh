# Sourced by zkServer.sh and zkCli.sh. The configuration is
# $ZOOCFGDIR/zoo.cfg (/conf), the logs go to the console (and $ZOO_LOG_DIR,
# /logs, is where ZooKeeper may write its own), and the server's heap is
# $ZK_SERVER_HEAP MB, 1000 unless set, as with ZooKeeper's own scripts.
ZOOCFGDIR="${ZOOCFGDIR:-/conf}"
ZOOCFG="$ZOOCFGDIR/${ZOOCFG:-zoo.cfg}"
ZOO_LOG_DIR="${ZOO_LOG_DIR:-/logs}"
ZOO_LOG4J_PROP="${ZOO_LOG4J_PROP:-INFO,CONSOLE}"
JAVA="${JAVA:-/usr/bin/java}"
# A log4j.properties in $ZOOCFGDIR wins over the image's; ZooKeeper logs
# through SLF4J, which needs its log4j binding, and its AdminServer needs the
# servlet API besides the Jetty of zookeeper.jar's manifest.
CLASSPATH="$ZOOCFGDIR:/etc/zookeeper/stsgen:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar:/usr/share/java/servlet-api.jar"
SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP:-1000}m ${SERVER_JVMFLAGS:-}"
JVMFLAGS="-Dzookeeper.root.logger=$ZOO_LOG4J_PROP ${JVMFLAGS:-}"
export ZOOCFGDIR ZOOCFG ZOO_LOG_DIR CLASSPATH
