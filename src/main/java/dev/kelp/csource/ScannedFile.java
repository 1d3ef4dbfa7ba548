package dev.kelp.csource;

import java.util.List;
import java.util.Set;

/** A C file split into its file-scope entities; {@code codeLines} are the lines holding any token. */
public record ScannedFile(String path, List<CEntity> entities, Set<Integer> codeLines) {

    public List<CEntity> functions() {
        return entities.stream().filter(e -> e.kind() == CEntity.Kind.FUNCTION).toList();
    }

    /** Entities whose extent holds the line; nested ones (a #define inside a function) come along. */
    public List<CEntity> at(int line) {
        return entities.stream().filter(e -> e.contains(line)).toList();
    }

    public List<CEntity> named(String name) {
        return entities.stream().filter(e -> e.names().contains(name)).toList();
    }
}
