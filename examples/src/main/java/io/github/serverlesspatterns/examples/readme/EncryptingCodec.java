package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * SECURITY.md's encrypting codec: wraps any {@link Codec} so that what the idempotency store, the
 * cache or the job table keeps is AES-256-GCM ciphertext, not the value. Each value gets a fresh
 * 12-byte nonce (stored in front of the ciphertext); the context string (say the table or cache
 * name) is bound as associated data, so a value copied to another place does not decrypt there.
 * Where the key comes from is yours: a KMS data key decrypted once per instance, or a key in
 * Secrets Manager. Thread-safe (a {@link Cipher} per call).
 *
 * @param <T> the value type
 */
public final class EncryptingCodec<T> implements Codec<T> {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Codec<T> inner;
    private final SecretKey key;
    private final byte[] context;

    private EncryptingCodec(Codec<T> inner, SecretKey key, String context) {
        this.inner = inner;
        this.key = key;
        this.context = context.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param inner   the codec of the plaintext
     * @param key     an AES key (256 bits)
     * @param context where the values live, bound to each ciphertext (e.g. the table name)
     * @param <T>     the value type
     * @return the codec
     */
    public static <T> EncryptingCodec<T> wrap(Codec<T> inner, SecretKey key, String context) {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(context, "context");
        if (!"AES".equals(key.getAlgorithm()) || key.getEncoded() == null || key.getEncoded().length != 32) {
            throw new IllegalArgumentException("the key must be a 256-bit AES key");
        }
        return new EncryptingCodec<>(inner, key, context);
    }

    @Override
    public byte[] encode(T value) {
        byte[] plain = inner.encode(value);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new CodecException("encryption failed (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new CodecException("not an encrypted value: " + bytes.length + " bytes, shorter than a nonce and a tag", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context);
            return inner.decode(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new CodecException("encrypted value does not authenticate: another key, another context, or altered", e);
        } catch (GeneralSecurityException e) {
            throw new CodecException("decryption failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The SECURITY.md snippet: the idempotency store keeps only ciphertext of the receipts.
     *
     * @param receipts the receipts' codec
     * @param key      the data key
     * @return the codec to give {@code IdempotencyConfig}
     */
    static Codec<Receipt> storedEncrypted(Codec<Receipt> receipts, SecretKey key) {
        // the store keeps nonce + AES-GCM ciphertext, bound to the table's name
        Codec<Receipt> stored = EncryptingCodec.wrap(receipts, key, "idempotency-table:payments");
        return stored;
    }
}
