package io.github.serverlesspatterns.idempotency.http;

import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An API Gateway response as the idempotency store keeps it, whatever the payload format: status,
 * headers, multi-value headers, cookies, body and its base64 flag, in a small length-prefixed
 * binary form (no JSON parser needed to read it back).
 */
record StoredResponse(int status, Map<String, String> headers, Map<String, List<String>> multiValueHeaders, List<String> cookies,
                      String body, boolean base64) {

    private static final int VERSION = 1;

    static final Codec<StoredResponse> CODEC = new Codec<>() {
        @Override
        public byte[] encode(StoredResponse r) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeInt(r.status());
                out.writeBoolean(r.base64());
                writeMap(out, r.headers());
                out.writeInt(r.multiValueHeaders() == null ? -1 : r.multiValueHeaders().size());
                if (r.multiValueHeaders() != null) {
                    for (Map.Entry<String, List<String>> e : r.multiValueHeaders().entrySet()) {
                        writeString(out, e.getKey());
                        writeList(out, e.getValue());
                    }
                }
                writeList(out, r.cookies());
                writeString(out, r.body());
            } catch (IOException e) {
                throw new CodecException("could not encode the response", e);
            }
            return bytes.toByteArray();
        }

        @Override
        public StoredResponse decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int version = in.readByte();
                if (version != VERSION) {
                    throw new CodecException("stored response of an unknown version " + version, null);
                }
                int status = in.readInt();
                boolean base64 = in.readBoolean();
                Map<String, String> headers = readMap(in);
                int multi = in.readInt();
                Map<String, List<String>> multiValueHeaders = multi < 0 ? null : new LinkedHashMap<>();
                for (int i = 0; i < multi; i++) {
                    multiValueHeaders.put(readString(in), readList(in));
                }
                return new StoredResponse(status, headers, multiValueHeaders, readList(in), readString(in), base64);
            } catch (IOException e) {
                throw new CodecException("a stored response is truncated or not one (" + bytes.length + " bytes)", e);
            }
        }
    };

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("a length of " + n + " past the end");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map == null ? -1 : map.size());
        if (map != null) {
            for (Map.Entry<String, String> e : map.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list == null ? -1 : list.size());
        if (list != null) {
            for (String s : list) {
                writeString(out, s);
            }
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        List<String> list = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            list.add(readString(in));
        }
        return list;
    }
}
