// SquashApp's database connection as Squash TM's Spring Boot makes it: a Hikari pool of the PostgreSQL JDBC driver,
// configured the way Spring Boot binds it (docs.spring.io/spring-boot/reference/data/sql.html#data.sql.datasource):
// spring.datasource.url / username / password from the system properties (-D, as a start script passes them) or
// else from the environment (SPRING_DATASOURCE_URL, _USERNAME, _PASSWORD: relaxed binding; -D ranks above the
// environment), and every spring.datasource.hikari.data-source-properties.<name> system property added to the pool as
// a connection property of the driver (HikariConfig.addDataSourceProperty). It opens one connection and prints what
// PostgreSQL says about it (pg_stat_ssl), or the failure on one line and exits 1.
// Run with the source launcher: java -cp '<jars>/*' JdbcCheck.java [-D...]
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;

public class JdbcCheck {
  private static final String PROPS = "spring.datasource.hikari.data-source-properties.";

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    return v != null ? v : System.getenv(env);
  }

  public static void main(String[] args) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(setting("spring.datasource.url", "SPRING_DATASOURCE_URL"));
    config.setUsername(setting("spring.datasource.username", "SPRING_DATASOURCE_USERNAME"));
    config.setPassword(setting("spring.datasource.password", "SPRING_DATASOURCE_PASSWORD"));
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(PROPS)) config.addDataSourceProperty(name.substring(PROPS.length()), System.getProperty(name));
    }
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(10_000);
    try (HikariDataSource pool = new HikariDataSource(config); Connection c = pool.getConnection();
         ResultSet r = c.createStatement().executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      r.next();
      System.out.println("connected: ssl=" + r.getBoolean(1) + " version=" + r.getString(2));
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      System.out.println("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage() + " / cause: " + root.getClass().getSimpleName() + ": " + root.getMessage());
      System.exit(1);
    }
  }
}
