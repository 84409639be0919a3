package io.myelin.users.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.myelin.api.users.AccountDataEntry;
import io.myelin.api.users.AccountDataRequest;
import io.myelin.api.users.AccountDataResponse;
import io.myelin.api.users.DeviceInfo;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.DevicesResponse;
import io.myelin.api.users.FilterRequest;
import io.myelin.api.users.FilterResponse;
import io.myelin.api.users.ProfileResponse;
import io.myelin.api.users.PushRulesResponse;
import io.myelin.api.users.PutAccountDataRequest;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UiaRequest;
import io.myelin.api.users.UiaResponse;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.Uia;
import io.myelin.users.push.PushRules;
import io.myelin.users.store.AccountDataStore;
import io.myelin.users.store.Device;
import io.myelin.users.store.FilterStore;
import io.myelin.users.store.PushRuleStore;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * {@link UserData} over the users component's own stores, for the other components.
 */
public final class UserDataService implements UserData {

    private final AccountDataStore accountData;
    private final FilterStore filters;
    private final PushRuleStore pushRules;
    private final Accounts accounts;
    private final Uia uia;
    private final ClientDataEvents events;

    UserDataService(AccountDataStore accountData, FilterStore filters, PushRuleStore pushRules, Accounts accounts,
                    Uia uia, ClientDataEvents events) {
        this.accountData = accountData;
        this.filters = filters;
        this.pushRules = pushRules;
        this.accounts = accounts;
        this.uia = uia;
        this.events = events;
    }

    @Override
    public AccountDataResponse accountData(AccountDataRequest request) {
        if (request.type() != null) {
            String room = request.roomId() == null ? AccountDataEntry.GLOBAL : request.roomId();
            return new AccountDataResponse(accountData.get(request.userId(), room, request.type())
                    .map(content -> List.of(new AccountDataEntry(room, request.type(), content)))
                    .orElse(List.of()));
        }
        return new AccountDataResponse(accountData.list(request.userId(), request.roomId()));
    }

    @Override
    public AccountDataEntry putAccountData(PutAccountDataRequest request) {
        accountData.put(request.userId(), request.roomId(), request.type(), request.content());
        events.changed(request.userId(), request.roomId(), request.type());
        return new AccountDataEntry(request.roomId(), request.type(), request.content());
    }

    @Override
    public FilterResponse filter(FilterRequest request) {
        long id;
        try {
            id = Long.parseLong(request.filterId());
        } catch (NumberFormatException e) {
            return new FilterResponse(null);
        }
        return new FilterResponse(filters.get(request.userId(), id).orElse(null));
    }

    @Override
    public PushRulesResponse pushRules(UserRequest request) {
        JsonObject ruleset = PushRules.ruleset(pushRules.get(request.userId()).orElse(JsonValue.EMPTY_JSON_OBJECT),
                request.userId());
        return new PushRulesResponse(JsonSupport.objectBuilder().add("global", ruleset).build());
    }

    @Override
    public ProfileResponse profile(UserRequest request) {
        return accounts.store().profile(request.userId())
                .map(p -> new ProfileResponse(p.displayname(), p.avatarUrl()))
                .orElse(ProfileResponse.EMPTY);
    }

    @Override
    public DevicesResponse devices(DevicesRequest request) {
        Map<String, List<DeviceInfo>> byUser = new LinkedHashMap<>();
        for (String userId : request.userIds()) {
            List<Device> devices = accounts.devices().devices(userId);
            if (!devices.isEmpty()) {
                byUser.put(userId, devices.stream().map(d -> new DeviceInfo(d.deviceId(), d.displayName(),
                        d.lastSeenTs() == null ? 0 : d.lastSeenTs())).toList());
            }
        }
        return new DevicesResponse(byUser);
    }

    @Override
    public UiaResponse authenticate(UiaRequest request) {
        Requester who = new Requester(request.userId(), null, false);
        Optional<JsonObject> challenge = uia.attempt(request.body(), request.purpose() + " " + request.userId(),
                DeviceRoutes.PASSWORD_FLOW, DeviceRoutes.passwordOf(accounts, who));
        return new UiaResponse(challenge.isEmpty(), challenge.orElse(null));
    }
}
