package io.cloneguard.servicenow;

import io.cloneguard.config.ConfigException;
import io.cloneguard.config.HttpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds one pooled HttpClient 5 per instance. TLS is always verified (JDK CAs plus an optional
 * extra trust store for a corporate CA; there is deliberately no trust-all switch), and the
 * client never retries or redirects on its own: Resilience4j decides about retries, and a
 * redirect from the Table API means a login page or a wrong URL, which must surface as an error.
 */
final class HttpClientFactory {
  static final int MAX_HEADER_LINE_BYTES = 256 * 1024;

  private HttpClientFactory() {}

  static CloseableHttpClient create(String instance, HttpConfig http) {
    Timeout connect = Timeout.of(http.connectTimeout());
    Timeout response = Timeout.of(http.requestTimeout());
    PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setTlsSocketStrategy(new DefaultClientTlsStrategy(sslContext(instance, http)))
        // Room above the bulkhead for an OAuth token request while every page slot is busy.
        .setMaxConnTotal(http.concurrency() + 2)
        .setMaxConnPerRoute(http.concurrency() + 2)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(connect)
            .setSocketTimeout(response)
            .build())
        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(response).setTcpNoDelay(true).build())
        // The Link header echoes the query up to four times on one line; a long IN list passes 8 KB.
        .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
            .http1Config(Http1Config.custom().setMaxLineLength(MAX_HEADER_LINE_BYTES).build())
            .build())
        .build();
    var builder = HttpClients.custom()
        .setConnectionManager(pool)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setConnectionRequestTimeout(response)
            .setResponseTimeout(response)
            .setRedirectsEnabled(false)
            .build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        // A daemon keeps its pool for days; the instance drops idle connections long before that.
        .evictIdleConnections(TimeValue.ofMinutes(1))
        .setUserAgent(UserAgent.VALUE);
    if (http.proxy() != null) {
      builder.setProxy(proxy(instance, http.proxy()));
    }
    return builder.build();
  }

  private static HttpHost proxy(String instance, URI proxy) {
    if (proxy.getHost() == null || proxy.getPort() < 0) {
      throw new ConfigException("http.proxy: needs scheme, host and port, e.g. http://proxy.example.com:3128 (got "
          + proxy + ", instance " + instance + ")");
    }
    return new HttpHost(proxy.getScheme() == null ? "http" : proxy.getScheme(), proxy.getHost(), proxy.getPort());
  }

  private static SSLContext sslContext(String instance, HttpConfig http) {
    try {
      X509TrustManager jdk = trustManager(null);
      X509TrustManager extra = http.trustStore() == null ? null : trustManager(loadTrustStore(instance, http));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {extra == null ? jdk : new EitherTrustManager(jdk, extra)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("http.trustStore: cannot set up TLS for instance " + instance + ": " + e.getMessage());
    }
  }

  private static KeyStore loadTrustStore(String instance, HttpConfig http) throws GeneralSecurityException {
    char[] password = http.trustStorePassword() == null ? null : http.trustStorePassword().reveal().toCharArray();
    try (InputStream in = Files.newInputStream(http.trustStore())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      return ks;
    } catch (IOException e) {
      throw new ConfigException("http.trustStore: cannot read PKCS12 trust store " + http.trustStore()
          + " (instance " + instance + "): " + e.getClass().getSimpleName()
          + "; check the path and http.trustStorePassword");
    }
  }

  private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager available");
  }

  /** Trusts a chain that either the JDK's CAs or the extra trust store accept. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkClientTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkClientTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}
