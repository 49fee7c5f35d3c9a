package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Secret;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard escrow set|list}: MID Server passwords kept encrypted, so restore can set them. */
@Command(
    name = "escrow",
    mixinStandardHelpOptions = true,
    description = {
      "Stores MID Server passwords encrypted with the snapshot key, so that restore can set a restored account's",
      "password to what the MID host's config.xml (mid.instance.password) expects. ServiceNow never returns a password."
    },
    subcommands = {EscrowCommand.Set.class, EscrowCommand.ListUsers.class})
final class EscrowCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.USAGE;
  }

  /** {@code escrow set <instance> <user> [--file F]}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Stores the password of one MID user. It is read from --file, or else from standard input",
        "(on a terminal: prompted twice, without echo). Never give it as an argument: arguments end up in shell history and ps."
      })
  static final class Set implements Callable<Integer> {
    @ParentCommand EscrowCommand escrow;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INSTANCE", description = "A configured instance name.")
    String instance;

    @Parameters(index = "1", paramLabel = "USER", description = "The MID user's user_name (mid.instance.username in config.xml).")
    String user;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the password from this file (its trailing newline is dropped).")
    Path file;

    /** Standard input; a test substitutes it. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
      CloneGuardConfig config = escrow.main.loadConfig();
      InstanceConfig target = SnapshotCommand.instanceOf(config, instance);
      SnapshotKey key = SnapshotKey.load(config.storage().keyFile());
      Secret password = readPassword(target.name());
      PasswordEscrow store = new PasswordEscrow(config.storage().dir(), key);
      store.put(target.name(), user, password);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      out.println("escrowed the password of '" + user + "' on " + target.name() + " (encrypted in " + config.storage().dir().resolve("escrow") + ")");
      newestSnapshot(new SnapshotStore(config.storage().dir(), key), target.name())
          .filter(s -> s.users().stream().noneMatch(u -> user.equals(u.get("user_name"))))
          .ifPresent(s -> err.println("cloneguard: note: '" + user + "' is not a MID user in the newest snapshot " + s.metadata().ref()
              + "; check the name against mid.instance.username in the MID Server's config.xml"));
      out.flush();
      err.flush();
      return Main.OK;
    }

    private Secret readPassword(String instanceName) {
      String value;
      if (file != null) {
        try {
          value = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          throw new UsageException("escrow set: password file " + file + " does not exist");
        } catch (IOException e) {
          throw new UsageException("escrow set: cannot read password file " + file + " (" + e.getMessage() + ")");
        }
      } else {
        Console console = System.console();
        value = console != null ? prompt(console, instanceName) : readAll(stdin);
      }
      value = stripNewline(value);
      if (value.isEmpty()) {
        throw new UsageException("escrow set: the password for '" + user + "' on " + instanceName + " is empty"
            + (file != null ? " (file " + file + ")" : " (nothing on standard input)") + "; nothing stored");
      }
      return Secret.of(value);
    }

    private String prompt(Console console, String instanceName) {
      char[] first = console.readPassword("Password of %s on %s: ", user, instanceName);
      char[] second = console.readPassword("Again: ");
      try {
        if (first == null || second == null || !Arrays.equals(first, second)) {
          throw new UsageException("escrow set: the two passwords differ; nothing stored");
        }
        return new String(first);
      } finally {
        if (first != null) {
          Arrays.fill(first, '\0');
        }
        if (second != null) {
          Arrays.fill(second, '\0');
        }
      }
    }

    private static String readAll(InputStream in) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("escrow set: cannot read standard input", e);
      }
    }

    /** One trailing line break (from echo or an editor) is not part of the password; other whitespace is. */
    static String stripNewline(String s) {
      if (s.endsWith("\r\n")) {
        return s.substring(0, s.length() - 2);
      }
      if (s.endsWith("\n")) {
        return s.substring(0, s.length() - 1);
      }
      return s;
    }

    private static Optional<Snapshot> newestSnapshot(SnapshotStore store, String instance) {
      try {
        return store.latest(instance).map(info -> store.load(instance, info.id()));
      } catch (RuntimeException e) {
        return Optional.empty(); // the note is a courtesy; an unreadable snapshot must not fail the escrow
      }
    }
  }

  /** {@code escrow list [<instance>]}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users with an escrowed password (never the passwords).")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand EscrowCommand escrow;

    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "INSTANCE", description = "A configured instance name (default: all).")
    String instance;

    @Option(names = "--output", paramLabel = "text|json", description = "text (the default) or json.")
    OutputFormat output = OutputFormat.text;

    @Override
    public Integer call() {
      CloneGuardConfig config = escrow.main.loadConfig();
      PasswordEscrow store = PasswordEscrow.listingOnly(config.storage().dir());
      List<String> instances = instance != null
          ? List.of(SnapshotCommand.instanceOf(config, instance).name())
          : store.instances();
      Map<String, List<String>> users = new LinkedHashMap<>();
      instances.forEach(i -> users.put(i, store.users(i)));
      PrintWriter out = spec.commandLine().getOut();
      if (output == OutputFormat.json) {
        Json.print(out, users);
      } else if (users.values().stream().allMatch(List::isEmpty)) {
        out.println("no escrowed passwords" + (instance != null ? " for " + instance : "") + "; add one with 'cloneguard escrow set <instance> <user>'");
      } else {
        users.forEach((i, names) -> names.forEach(u -> out.println(i + "  " + u)));
      }
      out.flush();
      return Main.OK;
    }
  }
}
