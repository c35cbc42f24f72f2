namespace MixtralPS; internal static class Placeholder { }
