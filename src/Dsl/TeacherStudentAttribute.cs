using System;

namespace Declarative
{
    /// <summary>A synthetic classification task labelled by a fixed random teacher network (a one-hidden-layer ReLU MLP) on Gaussian inputs.</summary>
    /// <example>
    /// <code>[TeacherStudent(Dimensions = 100, TeacherWidth = 32, Classes = 10)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class TeacherStudentAttribute : DataSetAttribute
    {
        /// <summary>Number of classes (teacher outputs, argmax labels). Default 10.</summary>
        public int Classes { get; set; } = 10;

        /// <summary>Input dimension. Default 100.</summary>
        public int Dimensions { get; set; } = 100;

        /// <summary>Hidden width of the teacher. Default 32.</summary>
        public int TeacherWidth { get; set; } = 32;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Seed of the teacher and the inputs. Default 1.</summary>
        public int Seed { get; set; } = 1;
    }
}
