package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The federation listener over TLS, from a PKCS#12 keystore and from PEM files made at test time,
 * trusted by the client through the test's own certificate only.
 */
class TlsListenerTest {

    @TempDir
    Path dir;

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command.getFirst() + " failed: " + output);
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private Path keystore() throws Exception {
        Path p12 = dir.resolve("server.p12");
        run(List.of(keytool(), "-genkeypair", "-alias", "myelin", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit"));
        return p12;
    }

    private HttpClient trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private void assertServesTls(TestServer server, Certificate certificate) throws Exception {
        HttpClient client = trusting(certificate);
        URI uri = URI.create("https://localhost:" + server.server().federationPort() + "/.well-known/matrix/server");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), "no delegation configured: " + response.body());

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI http = URI.create("http://localhost:" + server.server().federationPort() + "/.well-known/matrix/server");
        assertThrows(java.io.IOException.class,
                () -> plain.send(HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void federationServesTlsFromPkcs12() throws Exception {
        Path p12 = keystore();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        try (var server = TestServer.start(dir, """
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                  federation:
                    host: 127.0.0.1
                    port: 0
                    tls:
                      keystore: %s
                      keystore_passphrase: changeit
                """.formatted(p12))) {
            assertServesTls(server, ks.getCertificate("myelin"));
        }
    }

    @Test
    void federationServesTlsFromPem() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        Certificate certificate;
        try (InputStream in = Files.newInputStream(cert)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (var server = TestServer.start(dir, """
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                  federation:
                    host: 127.0.0.1
                    port: 0
                    tls:
                      certificate: %s
                      private_key: %s
                """.formatted(cert, key))) {
            assertServesTls(server, certificate);
        }
    }
}
