using System;
using System.Text;

namespace Declarative.Generators.Helpers
{
    /// <summary>One writer for all generated text: four-space indentation, \n line ends.</summary>
    internal sealed class IndentedWriter
    {
        private readonly StringBuilder _text = new();
        private int _depth;

        public IndentedWriter Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _depth * 4).Append(line);
            _text.Append('\n');
            return this;
        }

        /// <summary>Writes a multi-line block (a raw-string template), each line at the current indentation.</summary>
        public IndentedWriter Block(string block)
        {
            foreach (var line in block.Replace("\r\n", "\n").Split('\n')) Line(line);
            return this;
        }

        public IDisposable Braces()
        {
            Line("{");
            _depth++;
            return new Closer(this);
        }

        public IndentedWriter Indent() { _depth++; return this; }

        public IndentedWriter Outdent() { _depth--; return this; }

        public override string ToString() => _text.ToString();

        private sealed class Closer : IDisposable
        {
            private readonly IndentedWriter _writer;
            public Closer(IndentedWriter writer) => _writer = writer;
            public void Dispose()
            {
                _writer._depth--;
                _writer.Line("}");
            }
        }
    }
}
