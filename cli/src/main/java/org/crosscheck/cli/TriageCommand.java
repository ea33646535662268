package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.crosscheck.coordinator.findings.FindingStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "triage",
        description = {"Lists the findings of a workdir grouped by title: count, runtimes, first and last seen, minimization.",
            "'triage export FINDING' writes one finding out for filing upstream."},
        subcommands = TriageExportCommand.class,
        footer = {"", "Examples:", "  crosscheck triage crosscheck-work", "  crosscheck triage crosscheck-work --runtime kernel --json"})
final class TriageCommand extends CliCommand {
    @Parameters(paramLabel = "WORKDIR", arity = "0..1", description = "A campaign's workdir (or its findings directory).")
    Path dir;

    @Option(names = "--json", description = "One JSON object per finding.")
    boolean json;

    @Option(names = "--runtime", paramLabel = "R", description = "Only findings involving this runtime.")
    String runtime;

    @Option(names = "--group", paramLabel = "G", description = "Only findings whose culprit instruction is in this group.")
    String group;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only findings seen since this ISO time or this long ago (10m, 2h, 1d).")
    String since;

    @Override
    public Integer call() throws IOException {
        if (dir == null) throw new UserError("triage: give a WORKDIR (or 'triage export FINDING')");
        Path work = dir.getFileName() != null && dir.getFileName().toString().equals("findings") ? dir.getParent() : dir;
        if (!Files.isDirectory(work.resolve("findings"))) throw new UserError(dir + ": no findings directory (is it a campaign workdir?)");
        Instant from = since == null ? Instant.EPOCH : parseSince(since);
        List<FindingStore.Summary> list = new ArrayList<>();
        for (FindingStore.Summary s : new FindingStore(work).list()) {
            if (runtime != null && !s.runtimes().contains(runtime) && !s.title().contains(" vs " + runtime)) continue;
            if (group != null && !s.group().equals(group)) continue;
            if (s.lastSeen().isBefore(from)) continue;
            list.add(s);
        }
        PrintWriter out = out();
        if (json) {
            for (FindingStore.Summary s : list) {
                out.printf("{\"id\":\"%s\",\"title\":%s,\"kind\":%s,\"runtimes\":[%s],\"group\":%s,\"count\":%d,\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"minimized\":%b,\"dir\":%s}%n",
                        s.id(), q(s.title()), q(s.kind()), String.join(",", s.runtimes().stream().map(TriageCommand::q).toList()), q(s.group()),
                        s.count(), s.firstSeen(), s.lastSeen(), s.minimized(), q(s.dir().toString()));
            }
            return 0;
        }
        if (list.isEmpty()) {
            out.println("no findings" + (runtime != null || group != null || since != null ? " match the filters" : ""));
            return 0;
        }
        out.printf("%-16s %7s  %-20s %-20s %-9s %s%n", "id", "count", "first seen", "last seen", "minimized", "title");
        for (FindingStore.Summary s : list) {
            out.printf("%-16s %7d  %-20s %-20s %-9s %s%n", s.id(), s.count(), s.firstSeen().toString().substring(0, 19),
                    s.lastSeen().toString().substring(0, 19), s.minimized() ? "yes" : "no", s.title());
        }
        out.println(list.size() + " findings, " + list.stream().mapToLong(FindingStore.Summary::count).sum() + " sightings");
        return 0;
    }

    static Instant parseSince(String s) {
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return Instant.now().minus(CampaignOptions.parseDuration("--since", s));
            } catch (IllegalArgumentException e2) {
                throw new UserError("--since: expected an ISO time (2026-11-27T10:00:00Z) or a duration (10m, 2h), got '" + s + "'");
            }
        }
    }

    static String q(String s) {
        return org.crosscheck.coordinator.web.Json.string(s);
    }
}
