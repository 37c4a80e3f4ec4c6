global using System.Text.Json;
global using NATS.Client.Core;
global using NATS.Client.JetStream;
global using NATS.Client.KeyValueStore;
