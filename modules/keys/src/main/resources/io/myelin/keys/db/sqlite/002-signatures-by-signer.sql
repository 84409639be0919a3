-- The signatures a cross-signing key made are found by their signer when the key is replaced, to be deleted.
CREATE INDEX keys_signatures_signer ON keys_signatures (signer_user_id, signer_key_id);
