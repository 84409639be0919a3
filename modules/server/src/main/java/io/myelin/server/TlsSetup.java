package io.myelin.server;

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
        Keys keys;
        if (tls.keystore() != null) {
            keys = Keys.builder()
                    .keystore(k -> {
                        k.keystore(Resource.create(tls.keystore())).type("PKCS12");
                        if (tls.keystorePassphrase() != null) {
                            k.passphrase(tls.keystorePassphrase().toCharArray());
                        }
                    })
                    .build();
        } else {
            keys = Keys.builder()
                    .pem(p -> p.key(Resource.create(tls.privateKey())).certChain(Resource.create(tls.certificate())))
                    .build();
        }
        return Tls.builder()
                .privateKey(keys)
                .privateKeyCertChain(keys)
                .build();
    }
}
