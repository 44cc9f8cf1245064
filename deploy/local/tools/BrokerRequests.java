// Prints how many requests of each kind a local broker answered per second over a window, from
// its own counters (the JMX meters kafka.network:type=RequestMetrics,name=RequestsPerSec). It
// attaches to the broker's JVM by pid, as jcmd does, so the broker needs no JMX port.
//
//   java BrokerRequests.java PID SECONDS
import com.sun.tools.attach.VirtualMachine;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

public class BrokerRequests {
  static Map<String, Long> counts(MBeanServerConnection c) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    ObjectName pattern = new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*");
    for (ObjectName n : c.queryNames(pattern, null)) {
      // One meter per request kind and version: added up by kind.
      out.merge(n.getKeyProperty("request"), (Long) c.getAttribute(n, "Count"), Long::sum);
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[1]);
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
      MBeanServerConnection c = jmx.getMBeanServerConnection();
      Map<String, Long> before = counts(c);
      Thread.sleep((long) (seconds * 1000));
      Map<String, Long> after = counts(c);
      after.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / seconds))
          .filter(e -> e.getValue() > 0)
          .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
          .forEach(e -> System.out.printf("%-32s %9.1f/s%n", e.getKey(), e.getValue()));
    } finally {
      vm.detach();
    }
  }
}
