package io.myelin.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.myelin.server.config.CoreConfig;

/**
 * Builds a listener's TLS from PEM files or a PKCS#12 keystore.
 */
final class TlsSetup {

    private TlsSetup() {
    }

    static Tls create(CoreConfig.Tls tls) {
        if (tls.keystore() != null) {
            return fromKeystore(tls);
        }
        Keys keys = Keys.builder()
                .pem(p -> p.key(Resource.create(tls.privateKey())).certChain(Resource.create(tls.certificate())))
                .build();
        return Tls.builder().privateKey(keys).privateKeyCertChain(keys).build();
    }

    /** Uses the keystore's first private key entry, so operators need not name an alias. */
    private static Tls fromKeystore(CoreConfig.Tls tls) {
        char[] passphrase = tls.keystorePassphrase() == null ? new char[0] : tls.keystorePassphrase().toCharArray();
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, passphrase);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, passphrase);
                    List<X509Certificate> chain = Arrays.stream(store.getCertificateChain(alias))
                            .map(X509Certificate.class::cast)
                            .toList();
                    return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
                }
            }
            throw new IllegalStateException(tls.keystore() + " holds no private key");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keystore " + tls.keystore(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use keystore " + tls.keystore() + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
