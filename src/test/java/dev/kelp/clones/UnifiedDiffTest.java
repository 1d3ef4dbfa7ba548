package dev.kelp.clones;

import dev.kelp.csource.PatchedFile;
import dev.kelp.csource.UnifiedDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedDiffTest {
    @TempDir
    Path dir;

    /** A real git format-patch mail: new file, deleted file, missing final newline, several hunks. */
    @Test
    void gitFormatPatchWithAddedDeletedAndNoNewlineFiles() throws IOException {
        Proc.of("git", "init", "-q", dir.toString()).check("git init");
        Files.writeString(dir.resolve("keep.c"), "int a(void)\n{\n\treturn 1;\n}\n\nint b(void)\n{\n\treturn 2;\n}\n");
        Files.writeString(dir.resolve("gone.c"), "int gone;\n");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
        Files.writeString(dir.resolve("keep.c"), "int a(void)\n{\n\treturn 10;\n}\n\nint b(void)\n{\n\treturn 20;\n}");
        Files.delete(dir.resolve("gone.c"));
        Files.writeString(dir.resolve("new.c"), "int fresh(void) { return 3; }\n");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "change\n\n--- not a file header");
        String mail = Proc.of("git", "format-patch", "-U1", "--stdout", "HEAD~1").dir(dir).check("format-patch").stdout();
        UnifiedDiff d = UnifiedDiff.parse("mail", mail);
        assertThat(d.files()).extracting(UnifiedDiff.FileDiff::oldPath, UnifiedDiff.FileDiff::newPath)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a/gone.c", null),
                        org.assertj.core.groups.Tuple.tuple("a/keep.c", "b/keep.c"),
                        org.assertj.core.groups.Tuple.tuple(null, "b/new.c"));
        UnifiedDiff.FileDiff keep = d.files().stream().filter(f -> "a/keep.c".equals(f.oldPath())).findFirst().orElseThrow();
        assertThat(keep.hunks()).hasSize(2);
        String original = Proc.of("git", "show", "HEAD~1:keep.c").dir(dir).check("show").stdout();
        PatchedFile pf = PatchedFile.apply("mail", "keep.c", keep, original);
        assertThat(pf.newText()).isEqualTo(Files.readString(dir.resolve("keep.c")) + "\n");
        // "return 2" and the closing brace, which lost its newline ("\\ No newline at end of file").
        assertThat(pf.hunks().get(1).removedOld()).containsExactly(8, 9);
    }

    private void git(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Proc.of(cmd).dir(dir).check("git");
    }

    @Test
    void malformedDiffsAreRejected() {
        assertThatThrownBy(() -> UnifiedDiff.parse("p", "just text\n")).isInstanceOf(KelpException.class)
                .hasMessageContaining("not a unified diff");
        assertThatThrownBy(() -> UnifiedDiff.parse("p", "--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n"))
                .isInstanceOf(KelpException.class).hasMessageContaining("hunk ends early");
        assertThatThrownBy(() -> UnifiedDiff.parse("p", "--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n*b\n"))
                .isInstanceOf(KelpException.class).hasMessageContaining("p:4: unexpected line inside a hunk");
        assertThatThrownBy(() -> UnifiedDiff.parse("p", "diff --git a/x b/x\nGIT binary patch\nliteral 1\n"))
                .isInstanceOf(KelpException.class).hasMessageContaining("binary diffs are not supported");
    }
}
