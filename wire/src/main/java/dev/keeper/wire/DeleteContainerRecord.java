package dev.keeper.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;

/**
 * The body of deleteContainer (20): one path, written as a Jute buffer. ZooKeeper's own class for it
 * ({@code org.apache.zookeeper.DeleteContainerRequest}) lives in the server jar, not among the Jute records, yet
 * the opcode is valid from any client ({@code Request.isValid}), so it is decoded like any other request.
 */
public final class DeleteContainerRecord implements Record {
    private String path;

    public DeleteContainerRecord() {
    }

    public DeleteContainerRecord(String path) {
        this.path = path;
    }

    public String getPath() {
        return path;
    }

    @Override
    public void serialize(OutputArchive archive, String tag) throws IOException {
        archive.writeBuffer(path.getBytes(StandardCharsets.UTF_8), "path");
    }

    @Override
    public void deserialize(InputArchive archive, String tag) throws IOException {
        byte[] bytes = archive.readBuffer("path");
        if (bytes == null) {
            throw new IOException("deleteContainer without a path");
        }
        path = new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeleteContainerRecord d && java.util.Objects.equals(path, d.path);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(path);
    }

    @Override
    public String toString() {
        return "DeleteContainerRecord[" + path + "]";
    }
}
