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
        /// <summary><see cref="Classes"/> when not given.</summary>
        public const int DefaultClasses = 10;

        /// <summary><see cref="Dimensions"/> when not given.</summary>
        public const int DefaultDimensions = 100;

        /// <summary><see cref="TeacherWidth"/> when not given.</summary>
        public const int DefaultTeacherWidth = 32;

        /// <summary><see cref="Train"/> when not given.</summary>
        public const int DefaultTrain = 8192;

        /// <summary><see cref="Test"/> when not given.</summary>
        public const int DefaultTest = 2048;

        /// <summary><see cref="Seed"/> when not given.</summary>
        public const int DefaultSeed = 1;

        /// <summary>Number of classes (teacher outputs, argmax labels). Default 10.</summary>
        public int Classes { get; set; } = DefaultClasses;

        /// <summary>Input dimension. Default 100.</summary>
        public int Dimensions { get; set; } = DefaultDimensions;

        /// <summary>Hidden width of the teacher. Default 32.</summary>
        public int TeacherWidth { get; set; } = DefaultTeacherWidth;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = DefaultTrain;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = DefaultTest;

        /// <summary>Seed of the teacher and the inputs. Default 1.</summary>
        public int Seed { get; set; } = DefaultSeed;
    }
}
