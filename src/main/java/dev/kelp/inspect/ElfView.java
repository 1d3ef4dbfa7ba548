package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kelp.elf.ElfFile;
import java.io.PrintWriter;

/**
 * One part of {@code kelp inspect}'s output. Each view renders the same facts as text for
 * people and as JSON for programs; later stages add their own views (e.g. a livepatch view).
 */
public interface ElfView {
    /** The key of this view in JSON output and its option name ("sections", "symbols", ...). */
    String key();

    /** Whether the view has something to show for this file (e.g. .modinfo only in modules). */
    default boolean appliesTo(ElfFile elf) {
        return true;
    }

    void printText(ElfFile elf, PrintWriter out);

    JsonNode toJson(ElfFile elf, JsonNodeFactory json);
}
