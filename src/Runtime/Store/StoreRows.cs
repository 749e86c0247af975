using System.Data.Common;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>Reads metric rows selected as <c>trial_id, step, epoch, column...</c> the same way from either store.</summary>
internal static class StoreRows
{
    public static List<MetricSample> Read(DbDataReader reader, MetricSchema schema)
    {
        var result = new List<MetricSample>();
        while (reader.Read())
        {
            var values = new double?[schema.Columns.Count];
            double[]?[]? vectors = null;
            for (var i = 0; i < values.Length; i++)
            {
                if (reader.IsDBNull(3 + i)) continue;
                if (schema.Columns[i].IsVector)
                {
                    vectors ??= new double[]?[values.Length];
                    vectors[i] = StoreText.ParseVector(reader.GetString(3 + i));
                }
                else values[i] = reader.GetDouble(3 + i);
            }
            result.Add(new MetricSample(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), values, vectors));
        }
        return result;
    }
}
