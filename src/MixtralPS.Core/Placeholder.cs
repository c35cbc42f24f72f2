namespace MixtralPS.Core; internal static class Placeholder { }
