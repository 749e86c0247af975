using System.Globalization;
using Spectre.Console;

namespace Declarative.Runtime.Runner;

/// <summary>The terminal view: counts, an ETA and a table of the running trials with their step and loss, redrawn in place.</summary>
public sealed class LiveProgressView : IProgressView
{
    public void Run(Action<IProgressSink> loop)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("trial").AddColumn(new TableColumn("step").RightAligned()).AddColumn(new TableColumn("loss").RightAligned()).AddColumn(new TableColumn("time").RightAligned());
        AnsiConsole.Live(table).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(context =>
            loop(new Sink(context, table)));
    }

    private sealed class Sink(LiveDisplayContext context, Table table) : IProgressSink
    {
        private readonly List<string> _recent = [];
        private SweepProgress? _last;

        public void Message(string line) => Add(Markup.Escape(line));
        public void Started(string label) { }

        public void Finished(string label, string status, string detail)
        {
            var colour = status switch { "done" => "green", "diverged" => "yellow", _ => "red" };
            Add($"[{colour}]{status}[/] {Markup.Escape(label)}{(detail.Length == 0 ? "" : ": " + Markup.Escape(Shorten(detail)))}");
        }

        public void Update(SweepProgress progress)
        {
            _last = progress;
            Redraw();
        }

        private void Add(string markup)
        {
            _recent.Add(markup);
            if (_recent.Count > 8) _recent.RemoveAt(0);
            Redraw();
        }

        private void Redraw()
        {
            table.Rows.Clear();
            if (_last is { } p)
            {
                table.Title = new TableTitle(
                    $"{p.Done} done, {p.Diverged} diverged, {p.Failed} failed, {p.Running.Count} running, {p.Left} left of {p.Total} · " +
                    $"elapsed {PlainProgressView.Format(p.Elapsed)}{(p.Eta is { } eta ? " · ETA " + PlainProgressView.Format(eta) : "")}");
                foreach (var r in p.Running)
                {
                    var percent = r.TotalSteps > 0 ? $" ({100.0 * r.Step / r.TotalSteps:F0}%)" : "";
                    table.AddRow(Markup.Escape(r.Label + (r.Mine ? "" : " (other runner)")), $"{r.Step}/{r.TotalSteps}{percent}",
                        r.Loss is { } l ? l.ToString("G4", CultureInfo.InvariantCulture) : "-", PlainProgressView.Format(r.Running));
                }
            }
            table.Caption = new TableTitle(string.Join("\n", _recent));
            context.Refresh();
        }

        private static string Shorten(string s)
        {
            var line = s.Split('\n')[0];
            return line.Length > 160 ? line[..160] + "…" : line;
        }
    }
}
